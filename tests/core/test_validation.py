import pytest

from mailctl import validation
from mailctl.errors import UsageError


@pytest.mark.parametrize(
    "given, expected",
    [
        ("info@example.com", "info@example.com"),
        ("Info.Team@Example.COM", "info.team@example.com"),
        ("a_b+c-d@sub.example.co.uk", "a_b+c-d@sub.example.co.uk"),
        ("post@bücher.de", "post@xn--bcher-kva.de"),
        ("x@example.com.", "x@example.com"),
    ],
)
def test_good_addresses(given, expected):
    assert str(validation.address(given)) == expected


@pytest.mark.parametrize(
    "given",
    ["", "info", "@example.com", "info@", "in fo@example.com", ".info@example.com", "info.@example.com",
     "a..b@example.com", "info@localhost", "info@exa_mple.com", "info@-example.com", "a" * 65 + "@example.com",
     "info@example.123", "info@@example.com", "info@exam ple.com", "in\"fo@example.com"],
)
def test_bad_addresses(given):
    with pytest.raises(UsageError) as err:
        validation.address(given)
    assert err.value.exit_code == 2


@pytest.mark.parametrize("given, expected", [("0", 0), ("500", 500), ("unlimited", 0), (None, None), (" 12 ", 12),
                                             ("500M", 500), ("2G", 2048), ("1g", 1024), ("1T", 1048576),
                                             ("0G", 0), (" 3G ", 3072), ("UNLIMITED", 0)])
def test_quota(given, expected):
    assert validation.quota_mb(given) == expected


@pytest.mark.parametrize("given", ["-1", "1.5", "ten", "", "99999999999", "²", "١٢", "1.5G", "G", "2K", "10MB",
                                   "2 G", "3000000T"])
def test_bad_quota(given):
    with pytest.raises(UsageError):
        validation.quota_mb(given)


@pytest.mark.parametrize(
    "given, expected",
    [
        ("https://Panel.Example.com:2222/", "https://panel.example.com:2222"),
        ("https://panel.example.com", "https://panel.example.com"),
        ("http://127.0.0.1:8080", "http://127.0.0.1:8080"),
        ("http://localhost:8080", "http://localhost:8080"),
        ("http://[::1]:8080", "http://[::1]:8080"),
        ("https://example.com/proxy/da/", "https://example.com/proxy/da"),
    ],
)
def test_urls(given, expected):
    assert validation.url(given) == expected
