"""Same scenario and seed: the same results, bit for bit, however the runs are spread."""

import numpy as np

from model.engine.simulation import SocialDomainModel
from model.runs.run import replication_seeds, run
from model.sweeps.evaluators import map_in_order


def test_same_seed_same_log_and_summary(tiny):
    a = SocialDomainModel(tiny).run().log.records()
    b = SocialDomainModel(tiny).run().log.records()
    assert a.tobytes() == b.tobytes()
    r1, r2 = run(tiny, 11), run(tiny, 11)
    assert r1.timeseries.equals(r2.timeseries)
    s1, s2 = r1.summary, r2.summary
    assert s1 == s2 or all((v == s2[k]) or (v != v and s2[k] != s2[k]) for k, v in s1.items())


def test_other_seed_other_results(tiny):
    a = SocialDomainModel(tiny, seed=1).run().log.records()
    b = SocialDomainModel(tiny, seed=2).run().log.records()
    assert a.tobytes() != b.tobytes()


def test_workers_do_not_change_results(tiny):
    seeds = replication_seeds(5, 3)
    tasks = [(tiny, s) for s in seeds]
    one = [r.summary for r in map_in_order(run, tasks, workers=1)]
    two = [r.summary for r in map_in_order(run, tasks, workers=2)]
    for x, y in zip(one, two, strict=True):
        assert x["families"] == y["families"]
        assert x["signal_to_care_days_mean"] == y["signal_to_care_days_mean"]
        assert x["cost_eur_total"] == y["cost_eur_total"]


def test_common_random_numbers_across_schemes(tiny):
    """Every scheme and protocol of one seed meets the same families at the same times."""
    from model.records.events import Kind

    arrivals = []
    for scheme, protocol in (
        ("patchwork", "referral"),
        ("centralised", "integrated"),
        ("decentralised", "warm"),
    ):
        log = SocialDomainModel(tiny.replace(scheme=scheme, protocol=protocol)).run().log.arrays()
        first = (log["kind"] == Kind.NEED) & (log["need"] >= 0)
        fam_first = np.unique(log["family"][first], return_index=True)[1]
        arrivals.append(log["time"][first][fam_first])
    n = min(len(x) for x in arrivals)
    assert n > 100
    assert np.array_equal(arrivals[0][:n], arrivals[1][:n])
    assert np.array_equal(arrivals[0][:n], arrivals[2][:n])


def test_replication_seeds_are_stable_and_distinct():
    s = replication_seeds(42, 5)
    assert s == replication_seeds(42, 5)
    assert len(set(s)) == 5
    assert replication_seeds(42, 3) == s[:3]


def test_the_country_is_a_setting_not_noise(tiny):
    """Every seed plays on the same synthetic country; another synthetic.seed draws another."""
    a = SocialDomainModel(tiny, seed=1).geography
    b = SocialDomainModel(tiny, seed=2).geography
    assert np.array_equal(a.population, b.population)
    assert np.array_equal(a.patchwork["youth"].member, b.patchwork["youth"].member)
    c = SocialDomainModel(tiny.replace(**{"synthetic.seed": 5})).geography
    assert not np.array_equal(a.population, c.population)


def test_a_need_unpacks_its_luck_in_the_order_of_luck():
    """`draw_luck`'s columns, `Luck`'s fields and the Need's attributes agree: a mix-up would
    give one draw another's job without failing any run."""
    from scipy.special import erfinv

    from model.agents.families import Family, Luck, Need, draw_luck

    luck = Luck(*(0.1 * (i + 1) for i in range(len(Luck._fields))))
    need = Need(0, Family(0, 0, 1, 1, 0.5), 0, 1, 0.0, -1, tuple(luck))
    assert {f: getattr(need, f) for f in Luck._fields} == luck._asdict()

    drawn = draw_luck(np.random.default_rng(3), 2)
    u = np.random.default_rng(3).random((2, 6))[1]  # six uniforms a need, in one call
    by_hand = Luck(
        care_length_quantile=u[0],
        care_length_normal_score=np.sqrt(2) * erfinv(2 * u[0] - 1),
        success_uniform=u[1],
        dropout_uniform=u[2],
        incident_unit_exponential=-np.log(1 - u[3]),
        recurrence_uniform=u[4],
        recurrence_unit_exponential=-np.log(1 - u[5]),
    )
    assert np.allclose(drawn[1], by_hand, rtol=1e-12, atol=0)


def test_one_need_draws_the_same_luck_as_a_chunk_of_one():
    """Needs that arise during the run (recurrences, new reports) take their luck from
    `draw_one_luck`, which must give the very numbers `draw_luck(rng, 1)` gives from the same
    generator state, and leave the generator where it leaves it: else a speed-up would change
    every run."""
    from model.agents.families import draw_luck, draw_one_luck

    for seed in range(50):
        bulk, single = np.random.default_rng(seed), np.random.default_rng(seed)
        for _ in range(200):
            one = draw_one_luck(single)
            assert one == tuple(draw_luck(bulk, 1)[0].tolist())
            assert all(type(v) is float for v in one)
        assert bulk.random() == single.random()


def test_a_chunks_choices_are_numpys_choice():
    """A chunk's municipalities and need patterns are drawn by `choose` from cumulative
    shares made once, and must be what `rng.choice(len(p), size=n, p=p)` gives from the
    same generator state, leaving the generator where it leaves it: the shares of a
    single municipality (M/M/c), of 63 need patterns and of 342 municipalities."""
    from model.agents.families import choice_cdf, choose

    shares = [np.array([1.0]), np.random.default_rng(1).dirichlet(np.ones(63)),
              np.random.default_rng(2).dirichlet(np.ones(342))]  # fmt: skip
    for p in shares:
        cdf = choice_cdf(p)
        for seed in range(40):
            bulk, mine = np.random.default_rng(seed), np.random.default_rng(seed)
            for n in (0, 1, 7, 92, 5000):
                want = bulk.choice(len(p), size=n, p=p)
                got = choose(mine, cdf, n)
                assert np.array_equal(got, want) and got.dtype == want.dtype
            assert bulk.random() == mine.random()


def test_the_source_of_a_signal_follows_its_shares(tiny):
    """`source_of` picks the source whose cumulative share first exceeds the quantile, as
    np.searchsorted(side="right") would (the last source for a quantile at the top)."""
    from model.agents.families import FamilyStream

    m = SocialDomainModel(tiny)
    stream: FamilyStream = m.stream
    for via_vt, sources, cdf in (
        (True, stream.vt_sources, stream.vt_source_cdf),
        (False, stream.wijkteam_sources, stream.wijkteam_source_cdf),
    ):
        qs = np.concatenate([np.random.default_rng(1).random(2000), cdf, [0.0, 1.0]])
        for q in qs.tolist():
            i = min(int(np.searchsorted(np.array(cdf), q, side="right")), len(sources) - 1)
            assert stream.source_of(q, via_vt) == sources[i]
