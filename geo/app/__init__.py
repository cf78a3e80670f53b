"""The Streamlit app as components: one function per panel, each owning its state."""
