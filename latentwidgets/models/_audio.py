"""A small VAE for short mono tones: spectral encoder, harmonic-synthesiser decoder."""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn

# Spectrogram resolutions compared by the loss: fine in frequency (pitch) to fine in time (attack).
_LOSS_FFTS = (2048, 512, 128)
# Magnitudes this far below a loud tone's harmonics count as silence: the loss then follows the
# harmonics, where pitch and timbre are, not the numerical floor between them.
_LOSS_FLOOR = 1e-3
# Puts the spectral distance on the scale of the KL term in nats: beta then reads as usual.
_LOSS_SCALE = 200.0
_ENCODER_FFT = 2048
_ENCODER_HOP = 512
# The encoder reads the spectrum at log-spaced frequencies: thirds of a semitone, 90 Hz to 3.6 kHz.
_LOG_RANGE_HZ = (90.0, 3600.0)
_LOG_BINS = 192
# The envelope the encoder reads: RMS over short windows across the start of the clip.
_ENVELOPE_WINDOW = 64
_ENVELOPE_WINDOWS = 32
# Pitches the decoder can synthesise: a little beyond the tones' range (110-880 Hz).
_PITCH_RANGE_HZ = (90.0, 1000.0)
_PITCH_FFT = 16384
# Loss per squared semitone of pitch error: a semitone off costs about what a wrong timbre does.
_PITCH_WEIGHT = 50.0
_HARMONICS = 16
_MAX_HARMONIC_FRACTION = 0.45  # of the sample rate, as in the data: nothing folds back
_ATTACK_RANGE = (0.002, 0.25)
_DECAY_SECONDS = 0.6
_RELEASE_SECONDS = 0.025


def _check(name: str, value: object, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ValueError(f"{name} must be an int >= {minimum}; got {value!r}")
    return value


def _log_spectrogram(x: torch.Tensor, n_fft: int, hop: int, floor: float = 1e-4) -> torch.Tensor:
    window = torch.hann_window(n_fft, device=x.device, dtype=x.dtype)
    spec = torch.stft(x.reshape(-1, x.shape[-1]), n_fft, hop, window=window, return_complex=True)
    return torch.log(spec.abs() + floor)


class ToneEncoder(nn.Module):
    """Log spectrum and envelope of a clip ``(B, 1, L)``, then 1-D convolutions to ``(mu, logvar)``.

    The clip's mean log spectrum is read at log-spaced frequencies, where every tone's harmonic
    comb has one shape, moved along by its pitch; 1-D convolutions run along that axis. The
    loudness envelope of the first quarter second adds the attack.
    """

    to_log_frequency: torch.Tensor

    def __init__(
        self, length: int, latent_dim: int, base_channels: int = 16, sample_rate: int = 8000
    ) -> None:
        super().__init__()
        c = base_channels
        self.spectrum = nn.Sequential(
            nn.Conv1d(1, c, kernel_size=9, padding=4),
            nn.SiLU(),
            nn.Conv1d(c, 2 * c, kernel_size=9, stride=2, padding=4),
            nn.SiLU(),
            nn.Conv1d(2 * c, 2 * c, kernel_size=9, stride=2, padding=4),
            nn.SiLU(),
            nn.Flatten(),
        )
        self.register_buffer(
            "to_log_frequency", _log_frequency_matrix(sample_rate), persistent=False
        )
        flat = 2 * c * math.ceil(math.ceil(_LOG_BINS / 2) / 2)
        hidden = 16 * c
        self.body = nn.Sequential(
            nn.Linear(flat + _ENVELOPE_WINDOWS, hidden),
            nn.SiLU(),
            nn.Linear(hidden, hidden),
            nn.SiLU(),
        )
        self.mu = nn.Linear(hidden, latent_dim)
        self.logvar = nn.Linear(hidden, latent_dim)

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        magnitude = _log_spectrogram(x, _ENCODER_FFT, _ENCODER_HOP).exp().mean(dim=-1)
        spectrum = torch.log(magnitude @ self.to_log_frequency.T + 1e-3)
        start = x.reshape(len(x), -1)[:, : _ENVELOPE_WINDOW * _ENVELOPE_WINDOWS]
        windows = start.reshape(len(x), _ENVELOPE_WINDOWS, _ENVELOPE_WINDOW)
        envelope = torch.log(windows.square().mean(dim=-1) + 1e-6)
        h = self.body(torch.cat([self.spectrum(spectrum[:, None]), envelope], dim=1))
        return self.mu(h), self.logvar(h)


def _log_frequency_matrix(sample_rate: int) -> torch.Tensor:
    """Linear interpolation from the encoder's FFT bins to log-spaced frequencies ``(LOG, F)``."""
    bins = _ENCODER_FFT // 2 + 1
    low, high = _LOG_RANGE_HZ
    frequencies = low * (high / low) ** (
        torch.arange(_LOG_BINS, dtype=torch.float64) / (_LOG_BINS - 1)
    )
    position = (frequencies * _ENCODER_FFT / sample_rate).clamp(max=bins - 1.001)
    left = position.floor().long()
    fraction = position - left
    matrix = torch.zeros(_LOG_BINS, bins, dtype=torch.float64)
    rows = torch.arange(_LOG_BINS)
    matrix[rows, left] = 1.0 - fraction
    matrix[rows, left + 1] = fraction
    return matrix.float()


class HarmonicDecoder(nn.Module):
    """Codes ``(B, D)`` to clips ``(B, 1, L)`` in ``[-1, 1]`` through a harmonic synthesiser.

    A small network reads the code as a pitch, the weights of 16 harmonics (which also set the
    level) and an attack time; the synthesiser sums the harmonics (phase zero at the start,
    nothing above 0.45 of the sample rate) under the envelope. Pitch is one continuous number,
    so a path through the latent space glides from one pitch to the other. The pitch of the last
    batch stays in ``pitch_`` for the training loss.
    """

    t: torch.Tensor
    fade: torch.Tensor
    k: torch.Tensor

    def __init__(self, length: int, latent_dim: int, sample_rate: int, hidden: int = 256) -> None:
        super().__init__()
        self.sample_rate = sample_rate
        self.body = nn.Sequential(
            nn.Linear(latent_dim, hidden), nn.SiLU(), nn.Linear(hidden, hidden), nn.SiLU()
        )
        self.pitch = nn.Linear(hidden, 1)
        self.harmonics = nn.Linear(hidden, _HARMONICS)
        self.attack = nn.Linear(hidden, 1)
        t = torch.arange(length, dtype=torch.float64) / sample_rate
        self.register_buffer("t", t.float(), persistent=False)
        self.register_buffer("k", torch.arange(1.0, _HARMONICS + 1), persistent=False)
        release = torch.clamp((t[-1] - t) / _RELEASE_SECONDS, 0.0, 1.0)
        fade = torch.exp(-t / _DECAY_SECONDS) * (0.5 - 0.5 * torch.cos(torch.pi * release))
        self.register_buffer("fade", fade.float(), persistent=False)
        self.pitch_: torch.Tensor | None = None

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        h = self.body(z)
        low, high = math.log(_PITCH_RANGE_HZ[0]), math.log(_PITCH_RANGE_HZ[1])
        pitch = torch.exp(low + (high - low) * torch.sigmoid(self.pitch(h)))  # (B, 1)
        self.pitch_ = pitch[:, 0]
        frequency = pitch * self.k  # (B, K)
        # exp keeps weights positive and lets the level (the sum of all weights) span decades.
        harmonics = torch.exp(self.harmonics(h) - 3.0)
        harmonics = harmonics * (frequency < _MAX_HARMONIC_FRACTION * self.sample_rate)
        # Cycles elapsed, wrapped before the sine so float32 keeps the phase exact enough.
        cycles = torch.remainder(frequency[:, :, None] * self.t, 1.0)
        wave = (harmonics[:, :, None] * torch.sin(2 * torch.pi * cycles)).sum(dim=1)
        attack_low, attack_high = _ATTACK_RANGE
        attack = attack_low + (attack_high - attack_low) * torch.sigmoid(self.attack(h))
        rise = torch.clamp(self.t / attack, max=1.0)
        return torch.clamp(rise * self.fade * wave, -1.0, 1.0).unsqueeze(1)


def fundamental(clips: torch.Tensor, sample_rate: int) -> torch.Tensor:
    """The fundamental frequency in Hz of each clip ``(B, 1, L)``: its strongest partial in range.

    A harmonic tone of :func:`latentwidgets.datasets.tones` is loudest at its fundamental; the
    spectrum's peak between 90 Hz and 1 kHz, refined between bins by a parabola, is its pitch.
    """
    n = _PITCH_FFT
    spectrum = torch.fft.rfft(clips.reshape(len(clips), -1).detach().float(), n=n).abs()
    low = math.ceil(90.0 * n / sample_rate)
    high = math.floor(1000.0 * n / sample_rate)
    peak = spectrum[:, low:high].argmax(dim=1) + low
    left, centre, right = (
        torch.log(spectrum.gather(1, (peak + d)[:, None])[:, 0] + 1e-9) for d in (-1, 0, 1)
    )
    offset = 0.5 * (left - right) / (left - 2 * centre + right).clamp(max=-1e-9)
    return (peak + offset.clamp(-0.5, 0.5)) * sample_rate / n


class ToneVAE(nn.Module):
    """Small variational autoencoder for short mono clips ``(B, 1, L)``, like :func:`tones`.

    The encoder reads the clip's log spectrum (1-D convolutions along frequency) and loudness
    envelope and returns the posterior ``(mu, logvar)``; the decoder is a harmonic synthesiser
    driven by the code (see :class:`HarmonicDecoder`), so every decoded code is a tone. Training
    compares spectra and the decoded pitch with the input's (:meth:`reconstruction_loss`).

    Parameters
    ----------
    length : int
        Samples per clip, at least 2048.
    latent_dim : int
        Size of the latent code.
    base_channels : int, default 16
        Channels of the encoder's first convolution.
    sample_rate : int, default 8000
        Samples per second of the clips.

    Attributes
    ----------
    encoder : nn.Module
        Maps clips ``(B, 1, L)`` to a tuple ``(mu, logvar)``, each ``(B, latent_dim)``.
    decoder : nn.Module
        Maps codes ``(B, latent_dim)`` to clips ``(B, 1, L)`` in ``[-1, 1]``.
    """

    def __init__(
        self, length: int, latent_dim: int, base_channels: int = 16, sample_rate: int = 8000
    ) -> None:
        super().__init__()
        self.length = _check("length", length, _ENVELOPE_WINDOW * _ENVELOPE_WINDOWS)
        self.latent_dim = _check("latent_dim", latent_dim, 1)
        self.base_channels = _check("base_channels", base_channels, 1)
        self.sample_rate = _check("sample_rate", sample_rate, 1)
        self.encoder = ToneEncoder(length, latent_dim, base_channels, sample_rate)
        self.decoder = HarmonicDecoder(length, latent_dim, sample_rate)

    def encode(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Encode clips ``(B, 1, L)`` to the posterior ``(mu, logvar)``."""
        return self.encoder(x)

    def decode(self, z: torch.Tensor) -> torch.Tensor:
        """Decode codes ``(B, latent_dim)`` to clips ``(B, 1, L)`` in ``[-1, 1]``."""
        return self.decoder(z)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Reconstruct clips ``(B, 1, L)`` from the posterior mean."""
        mu, _ = self.encode(x)
        return self.decode(mu)

    def reconstruction_loss(self, decoded: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
        """Multi-resolution spectral distance and pitch error, summed over the batch.

        Log magnitudes weigh quiet overtones like loud ones and ignore phase, which a listener
        does not hear either; linear magnitudes hold the level. The squared difference in
        semitones between the pitch the decoder synthesised (for ``decoded``, the decoder's last
        output) and the input's :func:`fundamental` teaches pitch directly: a spectral distance
        alone has no slope towards a far-away pitch.
        """
        total = torch.zeros((), device=x.device)
        for n_fft in _LOSS_FFTS:
            a = _log_spectrogram(decoded, n_fft, n_fft // 4, _LOSS_FLOOR)
            b = _log_spectrogram(x, n_fft, n_fft // 4, _LOSS_FLOOR)
            total = total + (a - b).abs().mean(dim=(1, 2)).sum()
            total = total + 4 * F.l1_loss(a.exp(), b.exp(), reduction="none").mean(dim=(1, 2)).sum()
        total = total * _LOSS_SCALE
        heard = self.decoder.pitch_
        if heard is not None and heard.shape == (len(x),):
            # The pitch the decoder synthesised against the pitch measured in the input, as a
            # synthesiser autoencoder is trained with a pitch tracker's reading; in semitones.
            semitones = 12 * torch.log2(heard / fundamental(x, self.sample_rate))
            total = total + _PITCH_WEIGHT * semitones.square().sum()
        return total
