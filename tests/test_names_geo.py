"""Floor-1 helpers written once: great-circle distance (twingraph.geo) and place-name keys (twingraph.names)."""

from __future__ import annotations

import io
import pathlib
import tokenize

import numpy as np
import pytest

import twingraph
from twingraph import geo, names
from twingraph.membership import normalise_name
from twingraph.resolve import normalize_name

ROOT = pathlib.Path(twingraph.__file__).parent


def test_haversine_values_and_one_home() -> None:
    # Paris -> Berlin: 877.5 km on the IUGG sphere; a quarter meridian: pi/2 R
    assert float(geo.haversine_km(48.8566, 2.3522, 52.52, 13.405)) == pytest.approx(877.46, abs=0.01)
    assert float(geo.haversine_km(0, 0, 90, 0)) == pytest.approx(np.pi / 2 * 6371.0088)
    assert geo.haversine_km_scalar(48.8566, 2.3522, 52.52, 13.405) == pytest.approx(
        float(geo.haversine_km(48.8566, 2.3522, 52.52, 13.405)), rel=1e-12)
    assert np.isnan(geo.haversine_km(np.nan, 0, 0, 0))
    from twingraph import resolve
    from twingraph.measures import geography

    assert resolve.haversine_km is geo.haversine_km is geography.haversine_km
    assert geography.EARTH_RADIUS_KM == geo.EARTH_RADIUS_KM == 6371.0088


def _code(path: pathlib.Path) -> str:
    toks = tokenize.generate_tokens(io.StringIO(path.read_text(encoding="utf-8")).readline)
    return " ".join(t.string for t in toks if t.type not in (tokenize.STRING, tokenize.COMMENT))


def test_the_haversine_is_written_once() -> None:
    copies = [p.name for p in ROOT.rglob("*.py") if p.name != "geo.py" and "sin ( dphi" in _code(p)
              or p.name != "geo.py" and "6371.0088" in _code(p)]
    assert not copies, copies


@pytest.mark.parametrize(("raw", "resolve_key", "registry_key", "cohort_key"), [
    ("Halle (Saale)", "halle saale", "halle", "halle saale"),
    ("Saint-Omer", "saint omer", "st omer", "saint omer"),
    ("St. Petersburg", "st petersburg", "st petersburg", "st petersburg"),
    ("Łódź", "lodz", "lodz", "łodz"),
    ("Straße", "strasse", "strasse", "straße"),
    ("D'Arc", "darc", "d arc", "d arc"),
    ("Berlin – Neukölln", "berlin neukolln", "berlin neukolln", "berlin neukolln"),
    ("Αθήνα", "athina", "", "αθηνα"),
])
def test_presets_reproduce_the_three_keys(raw: str, resolve_key: str, registry_key: str, cohort_key: str) -> None:
    assert names.normalize_name(raw, **names.RESOLVE) == normalize_name(raw) == resolve_key
    assert names.normalize_name(raw, **names.REGISTRY) == normalise_name(raw) == registry_key
    assert names.normalize_name(raw, **names.COHORT) == cohort_key
    from twingraph.cohorts import normalize_place_name

    assert normalize_place_name(raw) == cohort_key   # the cohort module's own copy, until it adopts COHORT


def test_missing_names() -> None:
    assert names.normalize_name(None, **names.REGISTRY) == "" == names.normalize_name(float("nan"), **names.REGISTRY)
    assert names.normalize_name(None) == "none"
    with pytest.raises(ValueError, match="transliterate"):
        names.normalize_name("x", transliterate="latin")  # type: ignore[arg-type]
