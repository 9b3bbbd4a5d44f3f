"""Arbitrary input to every validator: either a normalised value that validates to
itself again, or a UsageError (exit 2) -- never any other exception."""

from hypothesis import example, given, settings
from hypothesis import strategies as st

from mailctl import validation
from mailctl.errors import UsageError

EXAMPLES = 300
text = st.text(alphabet=st.characters(codec="utf-8"), max_size=80)
addressish = st.builds(lambda a, b: f"{a}@{b}", text, text) | st.from_regex(r"[a-zA-Z0-9._+-]{1,10}@[a-z0-9.-]{1,20}", fullmatch=True)


def settles(check, value):
    try:
        first = check(value)
    except UsageError as err:
        assert err.exit_code == 2 and "\n" not in err.message
        return None
    assert check(str(first)) == first
    return first


@settings(max_examples=EXAMPLES)
@given(addressish)
@example("post@bücher.de")
def test_address(value):
    result = settles(validation.address, value)
    if result is not None:
        assert result.domain.isascii() and result.local == result.local.lower()


@settings(max_examples=EXAMPLES)
@given(text | st.from_regex(r"[a-z0-9-]{1,12}(\.[a-z0-9-]{1,12}){1,3}", fullmatch=True))
def test_domain(value):
    settles(validation.domain, value)


@settings(max_examples=EXAMPLES)
@given(text | st.integers(min_value=-10, max_value=2**40).map(str))
def test_quota(value):
    try:
        result = validation.quota_mb(value)
    except UsageError:
        return
    assert isinstance(result, int) and result >= 0


@settings(max_examples=EXAMPLES)
@given(text | st.from_regex(r"https?://[a-zA-Z0-9.:\[\]@/?#-]{0,30}", fullmatch=True))
def test_url(value):
    settles(lambda v: validation.url(v, allow_http=True), value)


@settings(max_examples=EXAMPLES)
@given(text)
def test_profile_and_user_names(value):
    settles(validation.profile_name, value)
    settles(validation.account_user, value)
