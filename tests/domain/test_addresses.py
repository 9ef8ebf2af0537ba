"""Whether a reply's sender is the paged address, by the rules of the address's kind
(`dispatcher.domain.addresses`)."""

import pytest

from dispatcher.domain.addresses import canonical_address, same_address


@pytest.mark.parametrize(
    ("kind", "paged", "sender", "same"),
    [
        # phones: E.164, separators dropped, full-width digits read as digits
        ("mobile", "+12125550100", "+1 (212) 555-0100", True),
        ("voice", "+12125550199", "+12125550199", True),
        ("mobile", "+12125550100", "+12125550101", False),
        ("mobile", "+12125550100", "＋１２１２５５５０１００", True),  # the same digits
        ("mobile", "+12125550100", "＋１２１２５５５０１０１", False),
        ("mobile", "+12125550100", "12125550100", False),  # not E.164
        # mail: the domain in any case, the local part as written (RFC 5321 §2.4)
        ("email", "li.na@example.com", "li.na@EXAMPLE.com", True),
        ("email", "li.na@example.com", " li.na@example.com ", True),
        ("email", "li.na@example.com", "Li.Na@example.com", False),
        ("email", "li.na@example.com", "ｌｉ.ｎａ@example.com", False),
        # a plugin's kind with no declared form: exact, once stripped
        ("chat", "LiWei", " LiWei ", True),
        ("chat", "LiWei", "liwei", False),
        ("chat", "LiWei", "ＬｉＷｅｉ", False),
        ("chat", "LiWei", "", False),
    ],
)
def test_each_kind_by_its_own_rules(kind, paged, sender, same):
    assert same_address(paged, sender, kind) is same


def test_a_declared_canonical_form_decides_and_a_refusal_is_no_match():
    def fold(address: str) -> str:
        if not address.isascii():
            raise ValueError("not a handle")
        return address.casefold()

    assert same_address("HeLin", "helin", "pager", fold)
    assert not same_address("HeLin", "ＨｅＬｉｎ", "pager", fold)


def test_a_sender_of_no_known_kind_is_counted_by_its_shape():
    assert canonical_address("+1 212 555 0100") == "+12125550100"
    assert canonical_address("Li.Na@Example.COM") == "Li.Na@example.com"
    assert canonical_address(" LiWei ") == "LiWei"
