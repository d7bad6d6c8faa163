"""Every webhook checks X-Twilio-Signature (twilio's RequestValidator); 403 otherwise."""

from twilio.request_validator import RequestValidator

from hotline.twilio_api import signature_valid
from tests.hotline.conftest import AUTH_TOKEN, build_app
from tests.hotline.simulator import Twilio

# Twilio's published example (docs: "Validating Signatures from Twilio").
VECTOR_URL = "https://mycompany.com/myapp.php?foo=1&bar=2"
VECTOR_PARAMS = {"CallSid": "CA1234567890ABCDE", "Caller": "+14158675309", "Digits": "1234",
                 "From": "+14158675309", "To": "+18005551212"}
VECTOR_SIGNATURE = "RSOYDt4T1cUTdK1PDd93/VVr8B8="


def test_twilio_published_vector():
    assert RequestValidator("12345").compute_signature(VECTOR_URL, VECTOR_PARAMS) == VECTOR_SIGNATURE
    assert signature_valid("12345", VECTOR_URL, VECTOR_PARAMS, VECTOR_SIGNATURE)
    assert not signature_valid("12346", VECTOR_URL, VECTOR_PARAMS, VECTOR_SIGNATURE)
    assert not signature_valid("12345", VECTOR_URL, {**VECTOR_PARAMS, "Digits": "1235"},
                               VECTOR_SIGNATURE)
    assert not signature_valid("12345", VECTOR_URL.replace("bar=2", "bar=3"), VECTOR_PARAMS,
                               VECTOR_SIGNATURE)
    assert not signature_valid("", VECTOR_URL, VECTOR_PARAMS, VECTOR_SIGNATURE)
    assert not signature_valid("12345", VECTOR_URL, VECTOR_PARAMS, None)


def _params(**extra):
    return {"CallSid": "CA" + "9" * 32, "From": "+8613900000009", "To": "+861058000000", **extra}


def test_unsigned_forged_and_wrong_key_webhooks_get_403(twilio):
    for url in ("/hotline/voice", "/hotline/voice/step?n=1", "/hotline/voice/queue/wait",
                "/hotline/voice/transcribed", "/hotline/voice/status", "/hotline/sms"):
        assert twilio.post(url, _params(), sign=False).status_code == 403, url
        assert twilio.post(url, _params(), signature="bm90IGEgc2lnbmF0dXJl").status_code == 403
        other = RequestValidator("another-account-token").compute_signature(
            "http://localhost" + url, _params())
        assert twilio.post(url, _params(), signature=other).status_code == 403
    # Signed for different parameters than were posted (a replay with Digits changed).
    sig = RequestValidator(AUTH_TOKEN).compute_signature(
        "http://localhost/hotline/voice", _params(Digits="1"))
    assert twilio.post("/hotline/voice", _params(Digits="2"), signature=sig).status_code == 403
    assert twilio.post("/hotline/voice", _params()).status_code == 200


def test_without_an_auth_token_every_webhook_is_refused(sqlite_url, tmp_path):
    app = build_app(sqlite_url, tmp_path, auth_token="")
    sim = Twilio(app.test_client(), AUTH_TOKEN)
    assert sim.post("/hotline/voice", _params()).status_code == 403
    app.extensions["portal"].db.dispose()


def test_behind_a_proxy_the_public_url_is_what_twilio_signed(sqlite_url, tmp_path):
    app = build_app(sqlite_url, tmp_path, public_url="https://hotline.example.org")
    http = app.test_client()
    params = _params()
    good = RequestValidator(AUTH_TOKEN).compute_signature(
        "https://hotline.example.org/hotline/voice", params)
    internal = RequestValidator(AUTH_TOKEN).compute_signature(
        "http://localhost/hotline/voice", params)
    assert http.post("/hotline/voice", data=params,
                     headers={"X-Twilio-Signature": internal}).status_code == 403
    assert http.post("/hotline/voice", data=params,
                     headers={"X-Twilio-Signature": good}).status_code == 200
    app.extensions["portal"].db.dispose()
