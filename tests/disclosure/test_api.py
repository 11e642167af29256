"""The disclosure package's public names are the ones it exports."""

import crimeplan.disclosure as disclosure


def test_public_names():
    assert set(disclosure.__all__) == {"VALUE_COLUMNS", "Recovery", "Relation", "attack", "primary",
                                       "relations", "suppress"}
    assert all(hasattr(disclosure, name) for name in disclosure.__all__)
