"""Reading articles: files and folders, article URLs and feeds."""
