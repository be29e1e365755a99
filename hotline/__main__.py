from hotline.cli import app

app()
