"""Published adverse-event rates: as the papers give them, cited, and converted per 1,000."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from needlepoint.knowledge import load_knowledge
from needlepoint.knowledge.ae_benchmarks import GRADES, Benchmark, ae_benchmarks


def test_the_four_published_rates_per_1000() -> None:
    rates = {b.id: b for b in ae_benchmarks().benchmarks}
    assert rates["brady-2014-mild"].per_1000 == pytest.approx(191.77, abs=0.01)  # 1,463 of 7,629 (19.18%)
    assert rates["boyce-2020-minor"].per_1000 == pytest.approx(368.01, abs=0.01)  # 7,531 of 20,464
    assert rates["brady-2014-significant"].per_1000 == 0
    assert rates["brady-2014-significant"].upper_bound_per_1000 == pytest.approx(0.4)
    assert rates["boyce-2020-major"].per_1000 == pytest.approx(0.977, abs=0.001)  # 20 of 20,464
    assert rates["brady-2014-mild"].denominator == 7629
    assert rates["boyce-2020-major"].denominator == 20464
    assert (rates["brady-2014-mild"].events, rates["boyce-2020-minor"].events) == (1463, 7531)


def test_every_published_figure_says_it_counts_events() -> None:
    """Brady 2014 and Boyce 2020 count events per treatment or session, not treatments with an event."""
    assert {b.counts for b in ae_benchmarks().benchmarks} == {"events"}


def test_every_grade_has_both_studies_and_every_source_is_in_the_bibliography() -> None:
    table = ae_benchmarks()
    references = load_knowledge().references
    for grade in GRADES:
        assert {b.source for b in table.for_grade(grade)} == {"brady-2014", "boyce-2020"}
    assert all(b.source in references for b in table.benchmarks)


def test_a_benchmark_gives_a_percentage_or_a_count_not_both() -> None:
    base = {
        "id": "x-2000",
        "study": "X 2000",
        "grade": "mild",
        "counts": "visits-with-event",
        "denominator": 100,
        "denominator_unit": "sessions",
        "text": "t",
        "source": "brady-2014",
    }
    with pytest.raises(ValidationError, match="either percent or events"):
        Benchmark.model_validate({**base, "percent": 5.0, "events": 5})
    with pytest.raises(ValidationError, match="either percent or events"):
        Benchmark.model_validate(base)
    with pytest.raises(ValidationError, match="exceed"):
        Benchmark.model_validate({**base, "events": 101})
    # Events can outnumber the sessions (a session can have several); sessions with one cannot.
    assert Benchmark.model_validate({**base, "counts": "events", "events": 150}).per_1000 == 1500
    with pytest.raises(ValidationError, match="counts"):
        Benchmark.model_validate({key: value for key, value in base.items() if key != "counts"} | {"events": 5})
