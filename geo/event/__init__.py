"""Events: what happened, where and when, who says so (from resolved places)."""
