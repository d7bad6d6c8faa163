"""The OpenAPI document and the interactive docs page."""


def test_openapi_document_lists_the_api(app):
    http = app.test_client()
    r = http.get("/openapi.json")
    assert r.status_code == 200
    spec = r.json
    assert spec["openapi"].startswith("3.")
    paths = spec["paths"]
    for p in ("/api/v1/services", "/api/v1/matters", "/api/v1/matters/{number}",
              "/api/v1/matters/{number}/transitions", "/api/v1/auth/card", "/api/v1/me/inbox"):
        assert p in paths, p
    assert "requestBody" in paths["/api/v1/matters"]["post"] or paths["/api/v1/matters"]["post"]
    r = http.get("/docs")
    assert r.status_code == 200 and b"openapi.json" in r.data
