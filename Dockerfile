# Structure Lab: the Streamlit app and the engine library in one image.
#
# CPU (default):  docker build -t structure-lab .
# CUDA:           docker build -t structure-lab:cuda \
#                   --build-arg TORCH_INDEX=https://download.pytorch.org/whl/cu128 \
#                   --build-arg TORCH_VERSION=2.13.0+cu128 .
#                 docker run --gpus all -p 8501:8501 structure-lab:cuda
# The CUDA wheels of torch bundle their CUDA runtime, so the slim Python base serves
# both; BASE_IMAGE can point at another Debian-based Python 3.11 image if needed.
ARG BASE_IMAGE=python:3.11.11-slim-bookworm
FROM ${BASE_IMAGE}

ARG TORCH_INDEX=https://download.pytorch.org/whl/cpu
ARG TORCH_VERSION=2.13.0+cpu

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    STREAMLIT_SERVER_FILE_WATCHER_TYPE=none \
    STREAMLIT_SERVER_HEADLESS=true \
    STREAMLIT_BROWSER_GATHER_USAGE_STATS=false \
    STREAMLIT_SERVER_PORT=8501

RUN useradd --create-home --uid 10001 --shell /usr/sbin/nologin app
WORKDIR /srv/structure-lab

# torch first, from the chosen index, so the lock file never pulls another build;
# then exactly the locked versions (--no-deps: a pin missing from the lock fails
# `pip check` instead of being resolved silently).
COPY requirements/lock.txt requirements/lock.txt
RUN pip install --no-cache-dir "torch==${TORCH_VERSION}" --index-url "${TORCH_INDEX}" \
    && pip install --no-cache-dir --no-deps -r requirements/lock.txt \
    && pip check

COPY pyproject.toml README.md ./
COPY engine engine
COPY app app
COPY sample_data sample_data
COPY .streamlit .streamlit
# the code stays owned by root: the app writes nothing to disk (results live in
# the browser session), so the user it runs as need not be able to change it
RUN pip install --no-cache-dir --no-deps .

USER 10001
# the port is STREAMLIT_SERVER_PORT (docker run -e STREAMLIT_SERVER_PORT=9000
# -p 9000:9000 ...), which the server and the health check both read
EXPOSE 8501
HEALTHCHECK --interval=30s --timeout=5s --start-period=90s --retries=3 \
    CMD ["python", "-c", "import os, sys, urllib.request; port = os.environ.get('STREAMLIT_SERVER_PORT') or '8501'; sys.exit(0 if urllib.request.urlopen(f'http://127.0.0.1:{port}/_stcore/health', timeout=4).status == 200 else 1)"]
CMD ["python", "-m", "streamlit", "run", "app/streamlit_app.py", "--server.address=0.0.0.0", "--server.fileWatcherType=none"]
