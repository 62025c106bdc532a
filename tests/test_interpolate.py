from __future__ import annotations

import math

import pytest
import torch

from latentwidgets.operations.interpolation import interpolate, interpolate_path, lerp, slerp

G = torch.Generator().manual_seed(0)
A = torch.randn(16, generator=G)
B = torch.randn(16, generator=G)


def test_lerp_endpoints_and_midpoint():
    frames = lerp(A, B, [0.0, 0.5, 1.0])
    torch.testing.assert_close(frames[0], A)
    torch.testing.assert_close(frames[1], (A + B) / 2)
    torch.testing.assert_close(frames[2], B)


def test_slerp_endpoints_exact():
    frames = slerp(A, B, torch.tensor([0.0, 1.0]))
    torch.testing.assert_close(frames[0], A)
    torch.testing.assert_close(frames[1], B)


def angle(u: torch.Tensor, v: torch.Tensor) -> float:
    return math.acos(float(torch.clamp(u @ v / (u.norm() * v.norm()), -1, 1)))


def test_slerp_constant_angular_speed_and_linear_norm():
    frames = interpolate(A, B, steps=9, method="slerp")
    steps = [angle(frames[k], frames[k + 1]) for k in range(8)]
    assert max(steps) - min(steps) < 1e-4
    assert sum(steps) == pytest.approx(angle(A, B), abs=1e-4)
    norms = frames.norm(dim=1)
    torch.testing.assert_close(norms, torch.linspace(float(A.norm()), float(B.norm()), 9))


def test_slerp_keeps_norm_of_equal_norm_codes_unlike_lerp():
    a = A / A.norm() * 4
    b = B / B.norm() * 4
    s = interpolate(a, b, 11, "slerp").norm(dim=1)
    lin = interpolate(a, b, 11, "lerp").norm(dim=1)
    torch.testing.assert_close(s, torch.full((11,), 4.0))
    assert float(lin[5]) < 4.0 - 0.5


def test_slerp_near_parallel_matches_lerp_without_nan():
    b = A * 2 + 1e-7
    frames = slerp(A, b, torch.linspace(0, 1, 5))
    assert torch.isfinite(frames).all()
    torch.testing.assert_close(frames, lerp(A, b, torch.linspace(0, 1, 5)))
    same = slerp(A, A.clone(), [0.3])
    torch.testing.assert_close(same[0], A)


def test_slerp_opposite_codes_turn_half_a_circle():
    frames = slerp(A, -A, torch.linspace(0, 1, 5))
    assert torch.isfinite(frames).all()
    torch.testing.assert_close(frames[-1], -A, atol=1e-5, rtol=1e-5)
    # midpoint is orthogonal to A, with the same norm
    assert float(frames[2] @ A) == pytest.approx(0.0, abs=1e-4)
    assert float(frames[2].norm()) == pytest.approx(float(A.norm()), rel=1e-5)
    torch.testing.assert_close(slerp(A, -A, [0.5]), slerp(A, -A, [0.5]))  # deterministic


def test_slerp_zero_vector_falls_back_to_lerp():
    torch.testing.assert_close(slerp(torch.zeros(16), B, [0.5])[0], B / 2)


def test_path_through_several_codes_shares_corners():
    codes = torch.stack([A, B, -A])
    path = interpolate_path(codes, steps=5, method="lerp")
    assert path.shape == (9, 16)
    torch.testing.assert_close(path[4], B)
    torch.testing.assert_close(path[-1], -A)


def test_float64_and_device_kept():
    frames = interpolate(A.double(), B.double(), 4)
    assert frames.dtype == torch.float64


def test_bad_arguments():
    with pytest.raises(ValueError, match="steps must be an int in"):
        interpolate(A, B, steps=1)
    with pytest.raises(ValueError, match="method must be one of"):
        interpolate(A, B, method="cubic")
    with pytest.raises(ValueError, match="same length"):
        slerp(A, B[:3], [0.5])
    with pytest.raises(ValueError, match="finite"):
        lerp(A, B * float("nan"), [0.5])
    with pytest.raises(TypeError, match=r"must be torch.Tensor"):
        lerp([1.0], B, [0.5])
    with pytest.raises(ValueError, match="K >= 2"):
        interpolate_path(A[None], 4)
