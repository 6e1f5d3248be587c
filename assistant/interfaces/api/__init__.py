"""HTTP API (FastAPI) for portals; the Gradio UI is mounted on the same app."""
