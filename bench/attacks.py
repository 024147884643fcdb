#!/usr/bin/env python3
"""The attacks of the second security round (issue 18), tried against a running release build.

    python3 bench/attacks.py [--binary target/release/versnelling]

Starts the service on a fresh SQLite database in a temporary directory, behind a pretend
proxy (trusted_proxies = 127.0.0.1/32, so the script can speak for many client addresses with
X-Forwarded-For), makes its users with the command line, then tries each attack and prints one
line per attack: what was tried, what came back, refused or NOT REFUSED. Exits non-zero when any
attack was not refused. Only the standard library; the figures go to bench/RESULTS.md.
"""

import argparse
import concurrent.futures
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

PASSWORD = "Paarse olifanten dansen op de Coolsingel"
RESULTS = []


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, binary, workdir, proxy_settings=True):
        self.binary = binary
        self.workdir = workdir
        self.port = free_port()
        self.env = dict(
            os.environ,
            VERSNELLING_DATABASE_URL=f"sqlite://{workdir}/v.db",
            VERSNELLING__DATA__DIR=f"{workdir}/data",
            VERSNELLING_BIND=f"127.0.0.1:{self.port}",
            VERSNELLING__REPORTS__AUTO_DRAFT="false",
            RUST_LOG="warn",
        )
        if proxy_settings:
            self.env["VERSNELLING__SERVER__TRUSTED_PROXIES"] = "127.0.0.1/32"
        self.base = f"http://127.0.0.1:{self.port}"

    def cli(self, *args, stdin=None):
        return subprocess.run(
            [self.binary, *args], env=self.env, cwd=self.workdir, input=stdin,
            capture_output=True, text=True, check=False,
        )

    def start(self):
        self.process = subprocess.Popen(
            [self.binary, "serve"], env=self.env, cwd=self.workdir,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        for _ in range(200):
            try:
                urllib.request.urlopen(self.base + "/healthz", timeout=1)
                return
            except OSError:
                time.sleep(0.05)
        raise SystemExit("the service did not start")

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=30)


def request(base, method, path, body=None, token=None, address=None, headers=None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(base + path, data=data, method=method)
    if body is not None:
        req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    if address:
        req.add_header("X-Forwarded-For", address)
    for name, value in (headers or {}).items():
        req.add_header(name, value)
    try:
        with urllib.request.urlopen(req, timeout=30) as response:
            raw = response.read()
            return response.status, dict(response.headers), raw
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), err.read()


def record(attack, outcome, refused):
    RESULTS.append((attack, outcome, refused))
    print(f"{'refused    ' if refused else 'NOT REFUSED'}  {attack}: {outcome}", flush=True)


def login(base, username, password, address="198.51.100.1"):
    status, _, raw = request(base, "POST", "/api/v1/auth/token",
                             {"username": username, "password": password}, address=address)
    return status, (json.loads(raw) if status == 200 else None)


def concurrent_guesses(base):
    with concurrent.futures.ThreadPoolExecutor(max_workers=32) as pool:
        statuses = list(pool.map(
            lambda i: login(base, "wethouder", f"gok {i}", "203.0.113.7")[0], range(64)))
    checked = statuses.count(401)
    record("64 simultaneous guesses on one account from one address",
           f"{checked} password checks, {statuses.count(429)} × 429", checked <= 6)
    status, _ = login(base, "wethouder", PASSWORD, "198.51.100.20")
    record("the owner logs in from elsewhere right after", f"{status}", status == 200)


def shared_proxy(base):
    for i in range(120):
        login(base, f"niemand{i}", "fout", f"10.8.{i // 250}.{i % 250 + 1}")
    status, _ = login(base, "raadslid", PASSWORD, "192.0.2.44")
    record("120 bad logins through the one proxy, then another user", f"{status}", status == 200)
    statuses = [login(base, "raadslid", "fout", f"192.0.2.{i}, 203.0.113.99")[0] for i in range(12)]
    refused = statuses.count(429)
    record("12 guesses, each with a different forged X-Forwarded-For prefix",
           f"{statuses.count(401)} checked, {refused} × 429", statuses.count(401) <= 6)


def distributed(base):
    status, _ = login(base, "burgemeester", PASSWORD, "198.51.100.5")
    statuses = [login(base, "burgemeester", "fout", f"203.0.{i // 250}.{i % 250 + 1}")[0]
                for i in range(80)]
    record("80 guesses on one account from 80 addresses",
           f"{statuses.count(401)} checked, {statuses.count(429)} × 429",
           statuses.count(429) > 0)
    status, _ = login(base, "burgemeester", PASSWORD, "198.51.100.5")
    record("its owner from an address they logged in from", f"{status}", status == 200)


def stolen_refresh(base):
    _, first = login(base, "griffier", PASSWORD)
    _, _, raw = request(base, "POST", "/api/v1/auth/refresh",
                        {"refresh_token": first["refresh_token"]})
    second = json.loads(raw)
    reuse, _, _ = request(base, "POST", "/api/v1/auth/refresh",
                          {"refresh_token": first["refresh_token"]})
    me, _, _ = request(base, "GET", "/api/v1/me", token=second["access_token"])
    record("a used refresh token again, then the login's newest access token",
           f"refresh {reuse}, access {me}", reuse == 401 and me == 401)


def current_password_guessing(base):
    _, session = login(base, "raadslid", PASSWORD, "198.51.100.30")
    statuses = [request(base, "POST", "/api/v1/me/password",
                        {"current_password": f"gok {i}",
                         "new_password": "Een heel ander wachtwoord voor later"},
                        token=session["access_token"], address="198.51.100.30")[0]
                for i in range(20)]
    record("20 guesses at the current password with a stolen access token",
           f"{statuses.count(422)} checked, {statuses.count(429)} × 429",
           statuses.count(422) <= 6)


def read_only_token(base):
    _, session = login(base, "analist", PASSWORD)
    token = session["access_token"]
    _, _, raw = request(base, "POST", "/api/v1/me/tokens", {"name": "lezen", "access": "read"},
                        token=token)
    read = json.loads(raw)["token"]
    _, _, raw = request(base, "POST", "/api/v1/me/tokens",
                        {"name": "schrijven", "access": "read_write"}, token=token)
    write_id = json.loads(raw)["id"]
    tries = [
        ("POST", "/api/v1/me/tokens", {"name": "meer", "access": "read_write"}),
        ("DELETE", f"/api/v1/me/tokens/{write_id}", None),
        ("POST", "/api/v1/me/password",
         {"current_password": PASSWORD, "new_password": "Een heel ander wachtwoord voor later"}),
        ("POST", "/api/v1/auth/logout", {"refresh_token": session["refresh_token"]}),
    ]
    for method, path, body in tries:
        status, _, _ = request(base, method, path, body, token=read)
        record(f"read-only token: {method} {path}", f"{status}", status == 403)


def self_disable(base):
    _, admin = login(base, "beheerder", PASSWORD)
    token = admin["access_token"]
    status, _, raw = request(base, "GET", "/api/v1/me", token=token)
    me = json.loads(raw)
    path = f"/api/v1/users/{me['id']}"
    status, headers, _ = request(base, "GET", path, token=token)
    etag = headers.get("ETag") or headers.get("etag")
    for change in ({"disabled": True}, {"role": "viewer"}):
        status, _, _ = request(base, "PATCH", path, change, token=token,
                               headers={"If-Match": etag})
        record(f"an admin changes their own account: {json.dumps(change)}", f"{status}",
               status in (409, 422))


def hostile_headers(base):
    status, headers, _ = request(base, "GET", "/healthz",
                                 headers={"X-Request-Id": "x" * 5000})
    echoed = headers.get("x-request-id") or headers.get("X-Request-Id") or ""
    record("a 5000-character X-Request-Id", f"{status}, answered with {len(echoed)} characters",
           len(echoed) <= 64)
    status, _, _ = request(base, "GET", "/healthz", headers={"X-Padding": "a" * 65536})
    record("a 64 kB request header", f"{status}", status in (400, 431))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", default="target/release/versnelling")
    parser.add_argument("--before-issue-18", action="store_true",
                        help="a build from before trusted_proxies existed (to compare)")
    args = parser.parse_args()
    binary = os.path.abspath(args.binary)
    with tempfile.TemporaryDirectory() as workdir:
        server = Server(binary, workdir, proxy_settings=not args.before_issue_18)
        migrated = server.cli("migrate")
        if migrated.returncode != 0:
            raise SystemExit(migrated.stderr)
        users = [("wethouder", "viewer"), ("raadslid", "viewer"), ("burgemeester", "viewer"),
                 ("griffier", "viewer"), ("beheerder", "admin"), ("reserve", "admin"),
                 ("analist", "ministry", "BZK")]
        for user in users:
            extra = ["--ministry", user[2]] if len(user) > 2 else []
            made = server.cli("user", "add", "--username", user[0], "--role", user[1], *extra,
                              "--password-stdin", stdin=PASSWORD + "\n")
            if made.returncode != 0:
                raise SystemExit(made.stderr)
        server.start()
        try:
            for attack in (concurrent_guesses, shared_proxy, distributed, stolen_refresh,
                           current_password_guessing, read_only_token, self_disable,
                           hostile_headers):
                try:
                    attack(server.base)
                except (TypeError, KeyError, ValueError) as err:
                    # A build that locked everyone out cannot be logged in to for the rest.
                    print(f"skipped      {attack.__name__}: could not set it up ({err!r})")
        finally:
            server.stop()
    refused = sum(1 for _, _, ok in RESULTS if ok)
    print(f"\n{refused} of {len(RESULTS)} attacks refused")
    return 0 if refused == len(RESULTS) else 1


if __name__ == "__main__":
    sys.exit(main())
