import delineo_models


def test_version_is_semver():
    parts = delineo_models.__version__.split(".")
    assert len(parts) == 3 and all(p.isdigit() for p in parts)
