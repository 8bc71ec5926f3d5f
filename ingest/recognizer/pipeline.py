"""Photo in, plate readings out: localise candidates, keep the most plate-like, read each a few ways,
rescore, rank."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field, replace
from pathlib import Path

import cv2
import numpy as np

from ingest.recognizer.alphabet import ALPHABET
from ingest.recognizer.crops import box_corners, crop_quad
from ingest.recognizer.formats import edit_distance, format_score, look_alike_variants
from ingest.recognizer.general_reader import DEFAULT_GENERAL_MODEL_PATH, GeneralTextReader
from ingest.recognizer.localize import Box, find_plate_candidates
from ingest.recognizer.plausibility import (
    MIN_PLATE_LENGTH,
    is_plausible_plate,
    is_plausible_reading,
)
from ingest.recognizer.reader import (
    DEFAULT_MODEL_PATH,
    LineReader,
    Reading,
    ctc_log_likelihood,
    ctc_log_likelihoods,
    greedy_decode,
)
from ingest.recognizer.state import DEFAULT_STATE_MODEL_PATH, NO_PLATE, StateClassifier, state_crop
from ingest.recognizer.tesseract import prepare_region, read_line

# (width factor, height factor) crops read around each localiser box. Its boxes are usually a
# little wider than the plate's characters, so shrunk variants read best; the widened one brings back
# an edge character the localiser cut off (car8's F of FZRULZ).
READ_VARIANTS = ((0.92, 1.0), (1.0, 1.0), (0.86, 1.2), (1.12, 1.1))
# The localiser's boxes are ranked by geometry, which puts the plate in its first ten for nine photos in
# ten; the state classifier's "not a plate" output ranks them far better (the held-out development
# photos' plate is in its first five whenever the localiser found it at all). So the localiser proposes
# CANDIDATE_BOXES, the classifier ranks them (under 1 ms a box) and the reader reads READ_BOXES. 16
# read every development photo and held-out crop as 24 did, in two thirds of the classifier's time.
CANDIDATE_BOXES = 16
READ_BOXES = 5
# A box whose characters (per the longest reading) span less than NARROW_BELOW of its width is read
# again around them, NARROWED_MARGIN of the span wider on each side (about one character of seven:
# the span from the first to the last emitting time step falls short of the outer characters' edges);
# only when that reading has at least MIN_NARROWED_CHARACTERS (fewer is no plate's row). The narrowed
# crops are read NARROWED_READ_VARIANTS ways: two cost 14 ms a photo less than READ_VARIANTS and read
# as well on the held-out plates.
NARROW_BELOW = 0.75
NARROWED_MARGIN = 0.15
MIN_NARROWED_CHARACTERS = 4
NARROWED_READ_VARIANTS = ((1.0, 1.0), (1.0, 1.2))
# The second look (on the equalised photo) also widens a box by EXTEND_BY of its width on a side where
# its characters run into the crop's edge. Not on the first look: there it cost 20 ms a photo and
# brought more junk than plates.
EXTEND_BY = 0.15
# Without the classifier (``detect_state=False``) the reader reads the localiser's first ten.
UNRANKED_READ_BOXES = 10
MAX_TEXTS_PER_PLATE = 5
MIN_PLATE_SCORE = -9.0
# Readings within this many nats of the best one are a close call for Tesseract to settle.
TIE_MARGIN = 1.0
# The row of characters shown to the general reader (a second opinion): the plate reader's span of
# characters widened by ROW_MARGIN of its width on each side; around the localiser box's middle, as
# high as the box but at least ROW_MIN_HEIGHT of the span's width (a localiser box is sometimes a sliver
# of the row) and at most ROW_MAX_HEIGHT of the row's width (a box of the whole plate shows the state
# name and slogan too, and its characters come out small at the reader's 48-pixel height).
ROW_MARGIN = 0.12
ROW_MIN_HEIGHT = 0.3
ROW_MAX_HEIGHT = 0.45
MIN_ROW_WIDTH, MIN_ROW_HEIGHT = 8, 4
# US plates are 2:1 and about 1.27 times as wide as the span of time steps that emit characters
# (measured on the development photos); the character row sits a little low on the plate. A serial
# of SHORT_SERIAL characters or fewer is spaced out or centred on the plate, which is as wide as
# ever: 1.13-2.13 times its span, 1.58 in the middle (the training crops and photos).
PLATE_ASPECT = 2.0
PLATE_WIDTH_PER_SPAN = 1.27
SHORT_SERIAL = 5
PLATE_WIDTH_PER_SHORT_SPAN = 1.58
PLATE_CENTRE_SHIFT = -0.04
DUPLICATE_OVERLAP = 0.3
# A reading whose box the state classifier finds is no plate (probability at least this) is dropped.
MAX_NOT_PLATE = 0.5
# A localiser box is not even read when the classifier is this sure it holds no plate. Looser than
# MAX_NOT_PLATE: the localiser's box is rougher than the plate box the reading gives, and a plate
# behind a bracket or a bolt scores low on the rough box yet passes on the read one.
MAX_NOT_PLATE_TO_READ = 0.99


@dataclass(frozen=True)
class TextCandidate:
    text: str
    confidence: float


@dataclass(frozen=True)
class PlateResult:
    """One plate found in a photo. ``box`` is [x, y, w, h] in the photo's pixels."""

    text: str
    confidence: float
    box: list[int]
    candidates: list[TextCandidate] = field(default_factory=list)
    state: str | None = None
    state_confidence: float = 0.0
    score: float = 0.0
    # The plate reader's readings behind ``text``, for the second opinion; not part of the result.
    read: BoxReadings | None = field(default=None, repr=False, compare=False)

    def as_dict(self) -> dict:
        return {
            "text": self.text,
            "confidence": round(self.confidence, 4),
            "box": self.box,
            "candidates": [{"text": c.text, "confidence": round(c.confidence, 4)} for c in self.candidates],
            "state": self.state,
            "state_confidence": round(self.state_confidence, 4),
        }


@dataclass(frozen=True)
class BoxReadings:
    """What the reader read in one box: one reading per (width factor, height factor) variant crop."""

    box: Box
    variants: tuple
    readings: list[Reading]

    def span(self, index: int) -> tuple[float, float]:
        """Left and right image x of the characters the ``index``-th reading found."""
        return character_span(self.box, self.readings[index], self.variants[index])


@dataclass(frozen=True)
class WeighedText:
    """A text weighed by both readers: ``own`` is the plate reader's score (``_text_score``: its CTC
    log-likelihood plus the layout prior), ``general`` the general reader's CTC log-likelihood."""

    text: str
    own: float
    general: float

    @property
    def together(self) -> float:
        return (self.own + self.general) / 2

    @property
    def general_score(self) -> float:
        """The general reader's score as ``own`` is the plate reader's: with the layout prior."""
        return self.general + format_score(self.text)

    @property
    def confidence(self) -> float:
        return _confidence(max(self.own, self.together))


class Recognizer:
    """Loads the models once; ``recognize`` may be called from several threads (the networks run
    under a lock). ``detect_state=False`` skips the state classifier: every ``state`` is None and
    readings are not checked for being plates (for measuring the reader alone); likewise
    ``general_model_path=None`` skips the general reader's second opinion."""

    def __init__(
        self,
        model_path: Path = DEFAULT_MODEL_PATH,
        detect_state: bool = True,
        state_model_path: Path = DEFAULT_STATE_MODEL_PATH,
        general_model_path: Path | None = DEFAULT_GENERAL_MODEL_PATH,
    ) -> None:
        self.reader = LineReader(model_path)
        self.states = StateClassifier(state_model_path) if detect_state else None
        self.general = GeneralTextReader(general_model_path) if general_model_path else None
        self._lock = threading.Lock()

    def recognize(self, image: bytes | np.ndarray) -> list[PlateResult]:
        """Every plausible plate in ``image`` (encoded bytes or a BGR array), best first; boxes do not
        overlap. ``[]`` when nothing in the photo reads as a plate."""
        bgr = decode_image(image)
        gray = cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY) if bgr.ndim == 3 else bgr
        plates, plate_like = self._plates_found_in(gray, gray, bgr)
        if not plate_like:
            # A washed-out plate's strokes drown in the localiser's mask beside hard edges elsewhere
            # (a hazy held-out photo's CK0A1F); equalised, they stand out. Only as a second look, and
            # only when the first found nothing plate-like: equalising every photo costs as many
            # plates elsewhere as it finds, and a plate-like text judged junk has been looked at.
            plates, _ = self._plates_found_in(cv2.equalizeHist(gray), gray, bgr, second_look=True)
        if self.general is not None:
            plates = sorted((self._second_opinion(plate, bgr) for plate in plates), key=_most_confident_first)
        if plates:
            state_named = plates[0].state is not None or self.states is None
            plates[0] = _tie_break(plates[0], gray, state_named, o_or_0_only=self.general is not None)
        # Texts and confidences may have changed since step 7: order and drop duplicates again.
        return _drop_duplicates(sorted(plates, key=_most_confident_first))

    def _plates_found_in(
        self, localised: np.ndarray, gray: np.ndarray, bgr: np.ndarray, second_look: bool = False
    ) -> tuple[list[PlateResult], bool]:
        """Plates in boxes the localiser finds in ``localised`` (``gray`` or a version of it), read from
        ``gray``, best first, without duplicates; and whether any plausible text read was plate-like
        (kept, or dropped only for its low confidence). A ``second_look`` also reads again boxes whose
        characters run into an edge of the crop, as the equalised photo's boxes are rougher."""
        if self.states is None:
            boxes = find_plate_candidates(localised, UNRANKED_READ_BOXES)
        else:
            boxes = self._most_plate_like(find_plate_candidates(localised, CANDIDATE_BOXES), bgr)
        read = self._read_boxes(boxes, gray, READ_VARIANTS)
        refitted = [narrow for box in read if (narrow := narrowed_box(box)) is not None]
        if second_look:
            refitted += [wide for box in read if (wide := extended_box(box)) is not None]
        read += self._read_boxes(refitted, gray, NARROWED_READ_VARIANTS)
        plates = [_rank_texts(box) for box in read]
        plates = sorted((p for p in plates if p is not None), key=lambda p: -p.score)
        plate_like = bool(plates)
        if plates and self.states is not None:
            plates, plate_like = self._classify(plates, bgr)
        return _drop_duplicates(plates), plate_like

    def _second_opinion(self, plate: PlateResult, bgr: np.ndarray) -> PlateResult:
        """Rank the plate's texts again by the mean of the plate reader's score and the general
        reader's CTC log-likelihood of its row of characters, the general reader's own reading (and
        its look-alike repairs) joining the candidates. Two readers trained apart rarely make the same
        slip with confidence: the plate reader's `AUP2403` for `AVP2403` is unlikely to the general
        one, which on its own misreads small or worn plates the plate reader gets right.

        The text chosen is whichever of the two readers' favourites has the higher mean: a compromise
        neither reader read, such as `6VX401` between the plate reader's `6VVX401` and the general
        reader's `6WX401`, does not win on the mean. A text's confidence is from the higher of the
        plate reader's score and the mean: the general reader finds every text unlikely in a row it
        cannot read, which says nothing against the plate reader's. Only texts that are plausible
        readings at that confidence are weighed; when neither favourite is, the plate keeps the plate
        reader's reading: a second opinion changes a plate's text, never whether it is a plate."""
        row = character_row(plate.read, bgr)
        if row is None:
            return plate
        with self._lock:
            general = self.general.step_log_probs(row)
        own_readings = np.stack([reading.step_log_probs for reading in plate.read.readings])
        weighed = [
            WeighedText(text, _text_score(text, own_readings), ctc_log_likelihood(general, text))
            for text in _texts_to_weigh(plate, greedy_decode(general).text)
        ]
        favourites = {
            max(weighed, key=lambda w: w.own).text,
            max(weighed, key=lambda w: w.general_score).text,
        }
        state_named = plate.state is not None or self.states is None
        weighed = [w for w in weighed if is_plausible_reading(w.text, w.confidence, state_named)]
        chosen = [w for w in weighed if w.text in favourites]
        if not chosen:
            return plate
        best = max(chosen, key=lambda w: w.together)
        others = sorted((w for w in weighed if w is not best), key=lambda w: -w.together)
        candidates = [TextCandidate(w.text, w.confidence) for w in [best, *others][:MAX_TEXTS_PER_PLATE]]
        return replace(
            plate, text=best.text, confidence=best.confidence, candidates=candidates, score=best.together
        )

    def _read_boxes(self, boxes: list[Box], gray: np.ndarray, variants: tuple) -> list[BoxReadings]:
        """The reader's readings of each box's ``variants`` crops."""
        if not boxes:
            return []
        crops = np.stack(
            [crop_quad(gray, corners) for box in boxes for corners in variant_corners(box, variants)]
        )
        with self._lock:
            readings = self.reader.read(crops)
        per_box = len(variants)
        return [
            BoxReadings(box, variants, readings[index * per_box : (index + 1) * per_box])
            for index, box in enumerate(boxes)
        ]

    def _most_plate_like(self, boxes: list[Box], bgr: np.ndarray) -> list[Box]:
        """The READ_BOXES boxes the classifier finds most likely to hold a plate, most likely first;
        boxes it finds hold no plate are not read at all."""
        if not boxes:
            return []
        colour = as_colour(bgr)
        crops = np.stack([state_crop(colour, plate_shaped(box)) for box in boxes])
        with self._lock:
            not_plate = self.states.probabilities(crops)[:, NO_PLATE]
        return boxes_to_read(boxes, not_plate)

    def _classify(self, plates: list[PlateResult], bgr: np.ndarray) -> tuple[list[PlateResult], bool]:
        """Give each plate its state; drop those the classifier finds hold no plate and those read with
        a confidence too low for a plate whose state it cannot name (``is_plausible_reading``). Also
        whether any of ``plates`` was plate-like (not dropped as no plate)."""
        colour = as_colour(bgr)
        crops = np.stack([state_crop(colour, plate.box) for plate in plates])
        with self._lock:
            readings = self.states.classify(crops)
        plate_like = [
            (plate, reading)
            for plate, reading in zip(plates, readings, strict=True)
            if reading.not_plate < MAX_NOT_PLATE
        ]
        kept = [
            replace(plate, state=reading.state, state_confidence=reading.confidence)
            for plate, reading in plate_like
            if is_plausible_reading(plate.text, plate.confidence, reading.state is not None)
        ]
        return kept, bool(plate_like)


def decode_image(image: bytes | np.ndarray) -> np.ndarray:
    if isinstance(image, np.ndarray):
        return image
    decoded = cv2.imdecode(np.frombuffer(image, dtype=np.uint8), cv2.IMREAD_COLOR)
    if decoded is None:
        raise ValueError("not a decodable image")
    return decoded


def boxes_to_read(boxes: list[Box], not_plate: np.ndarray) -> list[Box]:
    """At most READ_BOXES of ``boxes``, least likely to hold no plate first, leaving out those at
    MAX_NOT_PLATE_TO_READ or above; ``not_plate`` holds the classifier's probability for each box."""
    order = np.argsort(not_plate, kind="stable")
    return [boxes[index] for index in order if not_plate[index] < MAX_NOT_PLATE_TO_READ][:READ_BOXES]


def as_colour(image: np.ndarray) -> np.ndarray:
    return image if image.ndim == 3 else cv2.cvtColor(image, cv2.COLOR_GRAY2BGR)


def plate_shaped(box: Box) -> tuple[float, float, float, float]:
    """A localiser box (often just the row of characters) widened or narrowed to a plate's 2:1 around
    its centre, as the classifier was trained to see plates and the localiser's other finds."""
    height = box.w / PLATE_ASPECT
    return (box.x, box.y + box.h / 2 - height / 2, float(box.w), height)


def variant_corners(box: Box, variants: tuple) -> list[np.ndarray]:
    corners = []
    for width_factor, height_factor in variants:
        w, h = box.w * width_factor, box.h * height_factor
        corners.append(box_corners(box.x + (box.w - w) / 2, box.y + (box.h - h) / 2, w, h))
    return corners


def narrowed_box(read: BoxReadings) -> Box | None:
    """A box around the characters the reader found, when they fill less than NARROW_BELOW of ``box``.

    The localiser's box sometimes takes in a bracket, a bumper edge or a light beside the plate; the
    characters then fill half the crop and read badly (a tow bracket's box read ``P6983`` for
    ``8P62983``). The longest reading tells where the characters are; read again around them."""
    longest = _longest_reading(read)
    if longest is None:
        return None
    left, right = read.span(longest)
    if right - left >= NARROW_BELOW * read.box.w:
        return None
    margin = NARROWED_MARGIN * (right - left)
    return Box(round(left - margin), read.box.y, round(right - left + 2 * margin), read.box.h, read.box.score)


def extended_box(read: BoxReadings) -> Box | None:
    """``read``'s box widened by EXTEND_BY of its width on each side where the longest reading's
    characters run into the crop's edge (the localiser cut the row short: the hazy ``CK0A1F`` box
    ended inside its F), and fitted to the characters, with NARROWED_MARGIN, on a side where they do
    not; None when they run into neither edge."""
    longest = _longest_reading(read)
    if longest is None:
        return None
    reading, box = read.readings[longest], read.box
    cut_left, cut_right = reading.first_step == 0, reading.last_step == len(reading.step_log_probs) - 1
    if not (cut_left or cut_right):
        return None
    left, right = read.span(longest)
    margin = NARROWED_MARGIN * (right - left)
    new_left = box.x - EXTEND_BY * box.w if cut_left else left - margin
    new_right = box.x + box.w + EXTEND_BY * box.w if cut_right else right + margin
    return Box(round(new_left), box.y, round(new_right - new_left), box.h, box.score)


def _longest_reading(read: BoxReadings) -> int | None:
    """Index of the reading with the most characters (the likeliest among equals), or None when it
    has fewer than MIN_NARROWED_CHARACTERS: too few to say where a plate's row is."""
    readings = read.readings
    longest = max(
        range(len(readings)), key=lambda index: (len(readings[index].text), readings[index].log_prob)
    )
    return longest if len(readings[longest].text) >= MIN_NARROWED_CHARACTERS else None


def _rank_texts(read: BoxReadings) -> PlateResult | None:
    """Score every text read from the box's crops (plus look-alike repairs) against all crops."""
    readings = read.readings
    texts: list[str] = []
    for reading in readings:
        if len(reading.text) >= 2:
            texts += [reading.text, *look_alike_variants(reading.text)]
    # Texts that cannot be a plate whatever their score are not scored (most of a photo's boxes).
    texts = [text for text in dict.fromkeys(texts) if is_plausible_plate(text)]
    if not texts:
        return None
    step_log_probs = np.stack([reading.step_log_probs for reading in readings])
    scored = sorted(((_text_score(text, step_log_probs), text) for text in texts), reverse=True)
    scored = [(score, text) for score, text in scored if is_plausible_plate(text, _confidence(score))]
    if not scored:
        return None
    best_score, best_text = scored[0]
    if best_score < MIN_PLATE_SCORE:
        return None
    candidates = [TextCandidate(text, _confidence(score)) for score, text in scored[:MAX_TEXTS_PER_PLATE]]
    plate_box = _plate_box(read.box, read.span(0), len(best_text))
    return PlateResult(
        best_text, candidates[0].confidence, plate_box, candidates, score=best_score, read=read
    )


def character_row(read: BoxReadings | None, bgr: np.ndarray) -> np.ndarray | None:
    """The colour image of the row of characters ``read`` found (ROW_MARGIN, ROW_MIN_HEIGHT,
    ROW_MAX_HEIGHT), or None when there is too little of it to read."""
    if read is None:
        return None
    longest = _longest_reading(read)
    box = read.box
    left, right = read.span(longest) if longest is not None else (box.x, box.x + box.w)
    margin = ROW_MARGIN * (right - left)
    height = min(max(box.h, ROW_MIN_HEIGHT * (right - left)), ROW_MAX_HEIGHT * (right - left + 2 * margin))
    middle = box.y + box.h / 2
    image_height, image_width = bgr.shape[:2]
    x0, x1 = max(0, int(left - margin)), min(image_width, int(right + margin))
    y0, y1 = max(0, int(middle - height / 2)), min(image_height, int(middle + height / 2))
    if x1 - x0 < MIN_ROW_WIDTH or y1 - y0 < MIN_ROW_HEIGHT:
        return None
    return as_colour(bgr)[y0:y1, x0:x1]


def _texts_to_weigh(plate: PlateResult, opinion: str) -> list[str]:
    """The plate's candidates and the general reader's ``opinion``, also without its first or its last
    character (the row's margin may show a frame's edge or a sticker that reads as one), each with its
    look-alike repairs and each spelling of O and 0 (that reader cannot tell them apart); the plausible
    ones, once."""
    texts = [candidate.text for candidate in plate.candidates]
    readings = [opinion, opinion[1:], opinion[:-1]] if len(opinion) > MIN_PLATE_LENGTH else [opinion]
    for reading in readings:
        for spelling in dict.fromkeys((reading, reading.replace("O", "0"), reading.replace("0", "O"))):
            texts += [spelling, *look_alike_variants(spelling)]
    return [text for text in dict.fromkeys(texts) if is_plausible_plate(text)]


def _text_score(text: str, step_log_probs: np.ndarray) -> float:
    """Mean CTC log-likelihood over the crops' (crops, steps, classes) matrices plus the layout prior."""
    return float(np.mean(ctc_log_likelihoods(step_log_probs, text))) + format_score(text)


def _confidence(score: float) -> float:
    """Map a log-scale score to (0, 1); about 0.5 at a score of -3."""
    return float(1.0 / (1.0 + np.exp(-(score + 3.0))))


def character_span(box: Box, reading: Reading, variant: tuple[float, float]) -> tuple[float, float]:
    """Left and right image x of the characters ``reading`` found in the ``variant`` crop of ``box``."""
    corners = variant_corners(box, (variant,))[0]
    left, width = float(corners[0, 0]), float(corners[1, 0] - corners[0, 0])
    steps = len(reading.step_log_probs)
    return left + width * reading.first_step / steps, left + width * (reading.last_step + 1) / steps


def _plate_box(box: Box, span: tuple[float, float], characters: int) -> list[int]:
    """The plate around the ``characters`` the reader found (``span``, their left and right image
    x): localiser boxes are sometimes far too wide."""
    span_left, span_right = span
    per_span = PLATE_WIDTH_PER_SHORT_SPAN if characters <= SHORT_SERIAL else PLATE_WIDTH_PER_SPAN
    width = (span_right - span_left) * per_span
    centre_x = (span_left + span_right) / 2
    height = width / PLATE_ASPECT
    centre_y = box.y + box.h / 2 + PLATE_CENTRE_SHIFT * box.h
    return [round(centre_x - width / 2), round(centre_y - height / 2), round(width), round(height)]


def _tie_break(
    plate: PlateResult, gray: np.ndarray, state_named: bool, o_or_0_only: bool = False
) -> PlateResult:
    """Let Tesseract choose between same-length readings the network scores almost equally.

    Tesseract alone reads few of these small plates exactly, but it rarely makes the same look-alike
    slip as the network, so it settles close calls. Costs one Tesseract call, and only on close calls.
    ``o_or_0_only``: only between readings that differ in O and 0 alone, the one call the general
    reader leaves to the plate reader (after its opinion, Tesseract settling other calls did harm).
    Only readings plausible at their own confidence may win (``state_named`` as for
    ``is_plausible_reading``), so a plate kept never becomes "no plate read" at storage.
    """
    best_log_odds = _log_odds(plate.confidence)
    close = [
        candidate
        for candidate in plate.candidates
        if len(candidate.text) == len(plate.text)
        and best_log_odds - _log_odds(candidate.confidence) < TIE_MARGIN
        and (not o_or_0_only or same_but_o_or_0(candidate.text, plate.text))
        and is_plausible_reading(candidate.text, candidate.confidence, state_named)
    ]
    if len(close) < 2:
        return plate
    x, y, w, h = plate.box
    row = prepare_region(gray, x, y + h // 5, x + w, y + h - h // 8)
    opinion = read_line(row, ALPHABET) if row is not None else ""
    if not opinion:
        return plate
    chosen = min(close, key=lambda candidate: edit_distance(candidate.text, opinion))
    if edit_distance(chosen.text, opinion) >= edit_distance(plate.text, opinion):
        return plate
    candidates = [chosen, *(c for c in plate.candidates if c is not chosen)]
    return replace(plate, text=chosen.text, confidence=chosen.confidence, candidates=candidates)


def _most_confident_first(plate: PlateResult) -> float:
    return -plate.confidence


def same_but_o_or_0(a: str, b: str) -> bool:
    return a.replace("O", "0") == b.replace("O", "0")


def _log_odds(probability: float) -> float:
    probability = min(max(probability, 1e-9), 1 - 1e-9)
    return float(np.log(probability / (1 - probability)))


def _drop_duplicates(plates: list[PlateResult]) -> list[PlateResult]:
    """Keep the best reading where several boxes cover the same plate: a box that overlaps a better
    one by more than DUPLICATE_OVERLAP of the smaller box's area, or reads the same text, goes."""
    kept: list[PlateResult] = []
    for plate in plates:
        box = Box(*plate.box)
        if all(
            overlap(box, Box(*other.box)) < DUPLICATE_OVERLAP and plate.text != other.text for other in kept
        ):
            kept.append(plate)
    return kept


def overlap(a: Box, b: Box) -> float:
    """Intersection over the smaller box's area (1.0 when one box lies inside the other)."""
    ix = max(0, min(a.x + a.w, b.x + b.w) - max(a.x, b.x))
    iy = max(0, min(a.y + a.h, b.y + b.h) - max(a.y, b.y))
    smaller = min(a.w * a.h, b.w * b.h)
    return ix * iy / smaller if smaller else 0.0


_default: Recognizer | None = None
_default_lock = threading.Lock()


def default_recognizer() -> Recognizer:
    """The process-wide recognizer, created on first use."""
    global _default
    with _default_lock:
        if _default is None:
            _default = Recognizer()
        return _default


def recognize(image: bytes | np.ndarray) -> list[PlateResult]:
    """Plates in ``image`` (encoded bytes or a BGR array), best first."""
    return default_recognizer().recognize(image)
