"""`hotline serve --prepare` on a fresh data folder: embedded PostgreSQL, migrations, seed, demo accounts;
`hotline user add` works beside the running server on the same data folder; and SIGTERM (how systemd, Docker and
CI stop a service) stops the embedded PostgreSQL it started, as Ctrl+C does."""
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import psutil

from hotline.bench.load import free_port

HOTLINE = [sys.executable, "-m", "hotline"]


def test_serve_prepares_a_fresh_city_and_user_add_joins_it(tmp_path: Path):
    port = free_port()
    env = {**os.environ, "HOTLINE_DATA_DIR": str(tmp_path / "var"), "HOTLINE_DEMO": "0",
           "HOTLINE_LOAD_MODELS": "false"}
    env.pop("HOTLINE_DATABASE_URL", None)
    server = subprocess.Popen([*HOTLINE, "serve", "--prepare", "--port", str(port)], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    postmaster = None
    try:
        for _ in range(600):
            try:
                if httpx.get(base + "/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                assert server.poll() is None, server.stdout.read()
                time.sleep(0.1)
        credentials = (tmp_path / "var" / "demo-credentials.txt").read_text().split("\n")
        agent_password = next(line.split("\t")[2] for line in credentials if line.startswith("agent01\t"))
        assert httpx.post(base + "/api/v1/auth/token",
                          data={"username": "agent01", "password": agent_password}).status_code == 200

        added = subprocess.run([*HOTLINE, "user", "add", "clerk7", "--role", "department", "--department",
                                "zjj", "--password-stdin"], input="a-long-password\n", env=env,
                               capture_output=True, text=True, timeout=60)
        assert added.returncode == 0, added.stderr
        login = httpx.post(base + "/api/v1/auth/token", data={"username": "clerk7", "password": "a-long-password"})
        assert login.status_code == 200 and login.json()["department_code"] == "zjj"

        again = subprocess.run([*HOTLINE, "user", "add", "clerk7", "--role", "agent", "--password-stdin"],
                               input="a-long-password\n", env=env, capture_output=True, text=True, timeout=60)
        assert again.returncode == 1 and "already exists" in again.stderr
        tickets = httpx.get(base + "/api/v1/tickets", headers={
            "Authorization": f"Bearer {httpx.post(base + '/api/v1/auth/token', data={'username': 'agent01', 'password': agent_password}).json()['access_token']}"})
        assert tickets.json()["total"] == 0  # HOTLINE_DEMO=0: the city without demo tickets
        postmaster = psutil.Process(int((tmp_path / "var" / "pg" / "postmaster.pid").read_text().split()[0]))
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            output, _ = server.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            server.kill()
            output, _ = server.communicate()
    stopped = postmaster is not None and (not postmaster.is_running() or postmaster.status() == psutil.STATUS_ZOMBIE)
    if postmaster is not None and not stopped:
        postmaster.terminate()  # the test's own leak, not the next run's
    assert "demo accounts" in output and "agent01" in output
    assert "demo city 温州市: 12 districts" in output  # what the city holds, not what this run added
    assert "The files belonging to this database system" not in output  # initdb's own report stays out
    assert server.returncode == 0, output[-2000:]
    assert stopped and not (tmp_path / "var" / "pg" / "postmaster.pid").exists()  # PostgreSQL shut down cleanly


def test_serve_on_an_unmigrated_folder_says_what_to_run_in_one_line(tmp_path: Path):
    env = {**os.environ, "HOTLINE_DATA_DIR": str(tmp_path / "var"), "HOTLINE_LOAD_MODELS": "false"}
    env.pop("HOTLINE_DATABASE_URL", None)
    served = subprocess.run([*HOTLINE, "serve", "--port", str(free_port())], env=env, capture_output=True,
                            text=True, timeout=300)
    assert served.returncode == 2, served.stdout + served.stderr
    assert "Traceback" not in served.stderr
    said = [line for line in served.stderr.splitlines() if line.startswith("hotline:")]
    assert said == ["hotline: the database has no tables yet: run `hotline migrate && hotline seed` first "
                    "(or `hotline serve --prepare`, which also trains the models)"]
    assert not (tmp_path / "var" / "pg" / "postmaster.pid").exists()  # the PostgreSQL it started is stopped
