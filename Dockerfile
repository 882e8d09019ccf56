# The bot, for production: non-root, with its fonts, locales and migrations.
# Build: docker build -t citizen-bot .   Run: see compose.yaml and README "Running in production".
# A department with its own registry (or no route to Docker Hub) names its copy of the base:
#   docker build --build-arg PYTHON_IMAGE=registry.example.kz/python:3.11-slim .
ARG PYTHON_IMAGE=python:3.11-slim
FROM ${PYTHON_IMAGE}

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
# The dependencies first, at the versions the image was tested with: a change to the code
# then rebuilds only the layers after this one.
COPY pyproject.toml deploy/constraints.txt ./
RUN python -c "import tomllib; print(*tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies'], sep='\n')" > requirements.txt \
    && pip install -r requirements.txt -c constraints.txt \
    && useradd --system --uid 10001 --home-dir /data --shell /usr/sbin/nologin bot \
    && mkdir -p /data && chown bot /data
COPY README.md ./
COPY bot bot
COPY flows flows
COPY handlers handlers
COPY storage storage
COPY papers papers
COPY locales locales
# Installed in place: the locales, the fonts (papers/fonts) and the migrations are read
# from the source tree.
RUN pip install --no-deps -e .

USER bot
# SQLite and the files by default; with PostgreSQL only FILES_DIR needs the volume, and
# replicas must share it.
ENV DATABASE_URL=sqlite+aiosqlite:////data/bot.db \
    FILES_DIR=/data/files \
    HTTP_HOST=0.0.0.0 \
    HTTP_PORT=8080
VOLUME ["/data"]
EXPOSE 8080
# The bot's own port, wherever HTTP_PORT puts it.
HEALTHCHECK --interval=30s --timeout=5s --retries=3 \
    CMD python -c "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('HTTP_PORT', '8080'), timeout=4)" || exit 1
CMD ["python", "-m", "bot"]
