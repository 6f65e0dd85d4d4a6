"""Start the web app: ``python app.py`` (host, port and login come from the settings)."""

from rag.settings import load_settings
from rag.ui import build_app, launch

if __name__ == "__main__":
    settings = load_settings()
    launch(build_app(settings), settings)
