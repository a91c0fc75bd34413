"""``once_per_object``: one build per object, never one object's result for another."""

from extractors.memo import once_per_object


def test_equal_but_distinct_objects_are_built_apart_and_each_once():
    built = []

    @once_per_object
    def build(obj):
        built.append(obj)
        return object()

    a, b = {"k": 1}, {"k": 1}
    first_a, first_b = build(a), build(b)
    assert first_a is not first_b
    assert build(a) is first_a and build(b) is first_b
    assert len(built) == 2
