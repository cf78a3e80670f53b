# Self-hosting the dashboard: docker build -t geo-news-map . && docker run -p 8501:8501 geo-news-map
# The events database and the gazetteer index live in /data (a volume): the first start
# compiles the gazetteer (about 15 s) and reads the seed articles.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    GEO_DATA_DIR=/data \
    STREAMLIT_BROWSER_GATHER_USAGE_STATS=false

WORKDIR /app

# Hash-checked dependencies first, so code changes do not reinstall them.
COPY requirements.txt .
RUN pip install --require-hashes -r requirements.txt

COPY . .

RUN useradd --create-home --uid 10001 app \
    && mkdir -p /data /app/static/vendor \
    && chown -R app:app /data /app/static
USER app
VOLUME ["/data"]

EXPOSE 8501
HEALTHCHECK --interval=30s --timeout=5s --start-period=120s --retries=3 \
    CMD python -c "import urllib.request, sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8501/_stcore/health', timeout=4).status != 200)"

CMD ["streamlit", "run", "dashboard.py", "--server.address", "0.0.0.0", "--server.port", "8501", "--server.headless", "true"]
