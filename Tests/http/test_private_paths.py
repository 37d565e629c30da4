"""/status and /health are private to the task: no public path may reach them.

API Gateway forwards /BASE_PATH/... as the client sent it, and nginx decodes %2E/%2F and resolves `..`
before it picks a location, so /dev/%2E%2E%2Fstatus would otherwise land on /status. The request lines
go out raw over a socket, so no client library normalises them first.
"""

import pytest
from httpsupport import raw_request

# {name} is the page; {encoded} is the same name with its first letter percent-encoded.
TRAVERSALS = [
    "/dev/%2E%2E%2F{name}",
    "/dev/..%2F{name}",
    "/dev/../{name}",
    "/dev/%2e%2e/{name}",
    "/dev/%2E%2E/%2E%2E/{name}",
    "/x/../{name}",
    "//{name}",
    "/{encoded}",
    "/./{name}",
]


def raw_get(port: int, target: str):
    return raw_request(port, f"GET {target} HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n".encode())


@pytest.mark.parametrize("name", ["status", "health"])
@pytest.mark.parametrize("template", TRAVERSALS)
def test_private_pages_are_not_reachable_through_another_path(server, template, name):
    target = template.format(name=name, encoded=f"%{ord(name[0]):02x}{name[1:]}")
    r = raw_get(server.port, target)
    # 400 when the `..` climbs above the root, 404 otherwise; never the page itself.
    assert r.status in (400, 404), (target, r.status, r.body)
    assert r.header("Content-Type") == "application/json"
    assert set(r.json()) == {"error"}, (target, r.body)


@pytest.mark.parametrize("name", ["status", "health"])
@pytest.mark.parametrize("suffix", ["", "?", "?verbose=1"])
def test_private_pages_answer_their_own_path(server, name, suffix):
    r = raw_get(server.port, f"/{name}{suffix}")
    assert r.status == 200, (name, suffix, r.body)
    assert r.header("Content-Type") == "application/json"


def test_public_paths_still_normalise_into_the_base_path(server):
    for target in ("/x/../dev/host", "/dev/%68ost", "/dev/./host", "/dev//host"):
        assert raw_get(server.port, target).status == 200, target
