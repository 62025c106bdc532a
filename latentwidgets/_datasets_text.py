"""Made-up words from a syllable grammar, and the character tokenizer that reads them: :func:`words`."""

from __future__ import annotations

import string
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch
from numpy.typing import ArrayLike
from torch.utils.data import Dataset

from latentwidgets._datasets_common import (
    Splittable,
    as_labels,
    as_metadata,
    check_indices,
    check_int,
)

__all__ = ["SYLLABLE_NAMES", "CharTokenizer", "WordDataset", "words"]

MAX_LETTERS = 12
"""Longest word :func:`words` spells; its token ids have room for it and the end token."""
SEQUENCE_LENGTH = 16
"""Tokens per word of :func:`words`: the letters, the end token, then padding."""

_VOWELS = frozenset("aeiou")
# The grammar: a syllable is an optional onset, a vowel (sometimes a pair) and an optional coda.
# Weights make some parts common, as in a real language, so words share recognisable pieces.
_ONSETS = (
    ("", 3), ("b", 3), ("d", 3), ("f", 2), ("g", 2), ("h", 2), ("k", 3), ("l", 3), ("m", 3),
    ("n", 3), ("p", 3), ("r", 3), ("s", 3), ("t", 3), ("v", 2), ("z", 1), ("br", 1), ("dr", 1),
    ("kr", 1), ("pl", 1), ("st", 1), ("tr", 1), ("sh", 1), ("ch", 1),
)  # fmt: skip
_NUCLEI = (("a", 5), ("e", 5), ("i", 4), ("o", 4), ("u", 3), ("ai", 1), ("ou", 1), ("ee", 1))
_CODAS = (("", 12), ("n", 2), ("r", 2), ("l", 1), ("s", 2), ("m", 1), ("k", 1))
_SYLLABLES = (1, 2, 3, 4)
_SYLLABLE_WEIGHTS = (2, 4, 3, 1)
SYLLABLE_NAMES: tuple[str, ...] = tuple(f"{k} syllable{'s' * (k > 1)}" for k in _SYLLABLES)
"""Labels of :func:`words`: the number of syllables of each word."""


class CharTokenizer:
    """A character tokenizer over lower-case letters, with a padding and an end token.

    It reads like a Hugging Face tokenizer: ``encode(text)`` gives token ids ending with the end
    token, and ``decode(ids)`` reads them back, stopping at the first end or padding token and
    leaving special tokens out.

    Parameters
    ----------
    alphabet : str, default "abcdefghijklmnopqrstuvwxyz"
        The characters it knows, one token each, after the two special tokens.

    Attributes
    ----------
    pad_token_id : int
        0, the token that fills a sequence after its end.
    eos_token_id : int
        1, the token that ends a word.
    vocab_size : int
        Number of tokens: the two special ones and one per character.
    """

    pad_token_id = 0
    eos_token_id = 1

    def __init__(self, alphabet: str = string.ascii_lowercase) -> None:
        if not isinstance(alphabet, str) or not alphabet or len(set(alphabet)) != len(alphabet):
            raise ValueError(
                f"alphabet must be a non-empty str of distinct characters; got {alphabet!r}"
            )
        self.alphabet = alphabet
        self._ids = {char: i + 2 for i, char in enumerate(alphabet)}
        self.vocab_size = len(alphabet) + 2

    def __repr__(self) -> str:
        return f"CharTokenizer(alphabet={self.alphabet!r})"

    def __len__(self) -> int:
        return self.vocab_size

    def encode(self, text: str, *, add_end: bool = True) -> list[int]:
        """Return the token ids of ``text``, followed by the end token unless ``add_end=False``.

        Raises
        ------
        ValueError
            If ``text`` holds a character outside the alphabet.
        """
        if not isinstance(text, str):
            raise TypeError(f"text must be a str; got {type(text).__name__}")
        unknown = sorted(set(text) - set(self._ids))
        if unknown:
            raise ValueError(
                f"text {text!r} holds characters the tokenizer does not know: {''.join(unknown)!r}; "
                f"it knows {self.alphabet!r}"
            )
        ids = [self._ids[char] for char in text]
        return [*ids, self.eos_token_id] if add_end else ids

    def decode(self, ids: Iterable[int] | torch.Tensor | np.ndarray) -> str:
        """Return the text of token ids ``(T,)``, stopping at the first end or padding token.

        Raises
        ------
        ValueError
            If an id is outside ``[0, vocab_size)`` or ``ids`` is not one sequence.
        """
        values = np.asarray(ids.detach().cpu() if isinstance(ids, torch.Tensor) else list(ids))
        if values.ndim != 1 or (values.size and not np.issubdtype(values.dtype, np.integer)):
            raise ValueError(
                f"ids must be one sequence of integer token ids (T,); got {values.dtype} of shape "
                f"{values.shape}. For a batch use batch_decode; for logits take argmax(-1) first"
            )
        chars = []
        for token in values.tolist():
            if token in (self.pad_token_id, self.eos_token_id):
                break
            if not 2 <= token < self.vocab_size:
                raise ValueError(f"ids must be in [0, {self.vocab_size}); got token id {token}")
            chars.append(self.alphabet[token - 2])
        return "".join(chars)

    def batch_decode(self, batch: Iterable[Any]) -> list[str]:
        """Return the text of each sequence of a batch ``(B, T)``."""
        return [self.decode(ids) for ids in batch]

    def pad(self, texts: Sequence[str], length: int) -> torch.Tensor:
        """Return ``texts`` encoded as int64 ids ``(len(texts), length)``, padded after the end.

        Raises
        ------
        ValueError
            If a text with its end token is longer than ``length``.
        """
        ids = torch.full((len(texts), length), self.pad_token_id, dtype=torch.int64)
        for row, text in enumerate(texts):
            encoded = self.encode(text)
            if len(encoded) > length:
                raise ValueError(
                    f"text {text!r} needs {len(encoded)} tokens with its end; length is {length}"
                )
            ids[row, : len(encoded)] = torch.tensor(encoded)
        return ids


@dataclass(eq=False)
class WordDataset(Splittable, Dataset[tuple[torch.Tensor, int]]):
    """Words as padded token ids, with their strings, labels and metadata; a torch ``Dataset``.

    Indexing returns ``(ids, label)``, so a ``DataLoader`` yields ``(x, y)`` batches and
    :class:`latentwidgets.LatentExplorer` reads the labels and metadata by itself.

    Parameters
    ----------
    ids : torch.Tensor
        int64 token ids ``(N, T)``: each word's letters, the end token, then padding.
    texts : list of str
        The words, ``texts[i] == tokenizer.decode(ids[i])``.
    tokenizer : CharTokenizer
        Reads ids as text; pass it on as ``LatentExplorer(..., tokenizer=data.tokenizer)``.
    labels : numpy.ndarray
        Integer class of each word, shape ``(N,)``.
    label_names : list of str
        ``label_names[k]`` names label ``k``.
    metadata : dict of str to numpy.ndarray, optional
        Per-word columns, each of length ``N``.
    name : str, optional
        Short name of the data set.
    """

    ids: torch.Tensor
    texts: list[str]
    tokenizer: CharTokenizer
    labels: np.ndarray
    label_names: list[str]
    metadata: dict[str, np.ndarray] = field(default_factory=dict)
    name: str = "words"

    def __post_init__(self) -> None:
        ids = torch.as_tensor(self.ids)
        if ids.dtype != torch.int64 or ids.ndim != 2:
            raise ValueError(
                f"ids must be int64 token ids of shape (N, T); got {ids.dtype} of shape "
                f"{tuple(ids.shape)}"
            )
        self.ids = ids
        n = len(self)
        self.texts = [str(text) for text in self.texts]
        if len(self.texts) != n:
            raise ValueError(
                f"texts must hold one string per row of ids ({n}); got {len(self.texts)}"
            )
        self.label_names = [str(label) for label in self.label_names]
        self.labels = as_labels(self.labels, n, self.label_names, "ids")
        self.metadata = as_metadata(self.metadata, n, "ids")

    def __len__(self) -> int:
        return int(self.ids.shape[0])

    def __getitem__(self, index: int) -> tuple[torch.Tensor, int]:
        return self.ids[index], int(self.labels[index])

    def __repr__(self) -> str:
        return (
            f"WordDataset(name={self.name!r}, n={len(self)}, tokens={self.ids.shape[1]}, "
            f"classes={len(self.label_names)}, metadata=[{', '.join(self.metadata) or 'none'}])"
        )

    def subset(self, indices: ArrayLike) -> WordDataset:
        """Return a new data set holding only the words at ``indices``.

        Parameters
        ----------
        indices : array-like of int
            Positions of the words to keep, in the order wanted.

        Returns
        -------
        WordDataset
            The selected words with their labels and metadata rows.
        """
        idx = check_indices(indices)
        return WordDataset(
            ids=self.ids[torch.from_numpy(idx.astype(np.int64))],
            texts=[self.texts[i] for i in idx.tolist()],
            tokenizer=self.tokenizer,
            labels=self.labels[idx],
            label_names=list(self.label_names),
            metadata={key: value[idx] for key, value in self.metadata.items()},
            name=self.name,
        )


def words(n: int = 4096, seed: int = 0) -> WordDataset:
    """Spell distinct made-up words from a small syllable grammar, with known factors.

    A word has one to four syllables; a syllable is an optional onset (``"b"``, ``"st"``,
    ``"ch"`` ...), a vowel or vowel pair and an optional coda (``"n"``, ``"s"`` ...). Words
    longer than 12 letters are drawn again, and every word appears once. The same ``seed``
    always gives the same words.

    Parameters
    ----------
    n : int, default 4096
        Number of words, from 1 to 20000.
    seed : int, default 0
        Seed of the grammar's choices.

    Returns
    -------
    WordDataset
        ``ids`` int64 ``(n, 16)``, ``texts``, ``tokenizer`` (a :class:`CharTokenizer`); labels
        index :data:`SYLLABLE_NAMES`. Metadata:

        ``word`` (str)
            The word.
        ``length`` (int64)
            Number of letters, 1 to 12.
        ``first_letter`` (str)
            Its first letter.
        ``vowel_ratio`` (float32)
            Fraction of its letters that are vowels (a, e, i, o, u).
        ``syllables`` (int64)
            Number of syllables, 1 to 4.
    """
    n = check_int("n", n, minimum=1)
    if n > 20000:
        raise ValueError(f"n must be at most 20000 (distinct words of the grammar); got {n}")
    seed = check_int("seed", seed, minimum=0)
    rng = np.random.default_rng(seed)
    texts: list[str] = []
    syllables: list[int] = []
    seen: set[str] = set()
    while len(texts) < n:
        count = int(rng.choice(_SYLLABLES, p=_probabilities(_SYLLABLE_WEIGHTS)))
        word = "".join(_syllable(rng) for _ in range(count))
        if len(word) <= MAX_LETTERS and word not in seen:
            seen.add(word)
            texts.append(word)
            syllables.append(count)
    tokenizer = CharTokenizer()
    labels = np.asarray(syllables, dtype=np.int64) - 1
    return WordDataset(
        ids=tokenizer.pad(texts, SEQUENCE_LENGTH),
        texts=texts,
        tokenizer=tokenizer,
        labels=labels,
        label_names=list(SYLLABLE_NAMES),
        metadata={
            "word": np.asarray(texts, dtype=object),
            "length": np.asarray([len(w) for w in texts], dtype=np.int64),
            "first_letter": np.asarray([w[0] for w in texts], dtype=object),
            "vowel_ratio": np.asarray(
                [sum(c in _VOWELS for c in w) / len(w) for w in texts], dtype=np.float32
            ),
            "syllables": labels + 1,
        },
        name="words",
    )


def _probabilities(weights: Sequence[float]) -> np.ndarray:
    array = np.asarray(weights, dtype=np.float64)
    return array / array.sum()


def _pick(rng: np.random.Generator, table: Sequence[tuple[str, int]]) -> str:
    index = rng.choice(len(table), p=_probabilities([weight for _, weight in table]))
    return table[int(index)][0]


def _syllable(rng: np.random.Generator) -> str:
    return _pick(rng, _ONSETS) + _pick(rng, _NUCLEI) + _pick(rng, _CODAS)
