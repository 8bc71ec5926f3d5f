"""What a camera's reader says of the vehicle (colour, make, model, body type), in one stored shape.

Verification compares the vehicle as well as the plate (Oak Park GO 4-68 V.H): an officer looking at an
alert sees the entry's vehicle description beside what the camera's reader made of the vehicle. Two
shapes arrive:

- an OpenALPR agent's ``alpr_group`` carries ``vehicle`` with lists of ``{name, confidence}`` (percent),
  best first, for ``color``, ``make``, ``make_model``, ``body_type`` (and ``year``, ``orientation``,
  which are not kept);
- a Plate Recognizer result carries ``vehicle: {type, score}`` and, with its make/model/colour option,
  ``color: [{color, score}]`` and ``model_make: [{make, model, score}]`` (scores 0–1).

Both become ``{"colour"|"make"|"make_model"|"body_type": {"name", "confidence"}}`` with the reader's
best guess only and its confidence in 0–1; an attribute the reader did not give is absent.
"""
import re

from ingest.errors import BadUpload

ATTRIBUTES = ("colour", "make", "make_model", "body_type")
LABELS = {"colour": "Colour", "make": "Make", "make_model": "Make and model", "body_type": "Body type"}
OPENALPR_NAMES = {"color": "colour", "make": "make", "make_model": "make_model", "body_type": "body_type"}
NAME = re.compile(r"^[\w .,/&'()+-]{1,60}$")


def _name(value, field: str) -> str:
    if not isinstance(value, str) or not NAME.match(value.strip()):
        raise BadUpload(f"{field} must be a name of up to 60 letters, digits and punctuation.", field=field)
    return value.strip().lower()


def _score(value, field: str, *, scale: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= scale:
        raise BadUpload(f"{field} must be a confidence between 0 and {scale:g}.", field=field)
    return round(float(value) / scale, 4)


def openalpr_vehicle(vehicle) -> dict:
    """The attributes of an OpenALPR group's ``vehicle`` object; raise ``BadUpload`` if malformed."""
    if vehicle is None:
        return {}
    if not isinstance(vehicle, dict):
        raise BadUpload("vehicle must be an object.", field="vehicle")
    attributes = {}
    for source, attribute in OPENALPR_NAMES.items():
        guesses = vehicle.get(source)
        if guesses in (None, []):
            continue
        if not isinstance(guesses, list) or not all(isinstance(guess, dict) for guess in guesses):
            raise BadUpload(f"vehicle.{source} must be a list of {{name, confidence}}.",
                            field=f"vehicle.{source}")
        scored = [(_score(guess.get("confidence"), f"vehicle.{source}", scale=100),
                   _name(guess.get("name"), f"vehicle.{source}")) for guess in guesses[:10]]
        confidence, name = max(scored)
        attributes[attribute] = {"name": name, "confidence": confidence}
    return attributes


def plate_recognizer_vehicle(result) -> dict:
    """The attributes of one Plate Recognizer result (``vehicle.type``, ``color``, ``model_make``)."""
    if not isinstance(result, dict):
        raise BadUpload("A Plate Recognizer result must be an object.", field="results")
    attributes = {}
    vehicle = result.get("vehicle")
    if isinstance(vehicle, dict) and vehicle.get("type"):
        attributes["body_type"] = {"name": _name(vehicle["type"], "vehicle.type"),
                                   "confidence": _score(vehicle.get("score", 0), "vehicle.score", scale=1)}
    colours = result.get("color")
    if isinstance(colours, list) and colours and isinstance(colours[0], dict):
        attributes["colour"] = {"name": _name(colours[0].get("color"), "color"),
                                "confidence": _score(colours[0].get("score", 0), "color.score", scale=1)}
    makes = result.get("model_make")
    if isinstance(makes, list) and makes and isinstance(makes[0], dict):
        best = makes[0]
        confidence = _score(best.get("score", 0), "model_make.score", scale=1)
        make = _name(best.get("make"), "model_make.make")
        attributes["make"] = {"name": make, "confidence": confidence}
        if best.get("model"):
            attributes["make_model"] = {"name": f"{make}_{_name(best['model'], 'model_make.model')}",
                                        "confidence": confidence}
    return attributes


def recognized_vehicle(plate: dict) -> dict:
    """The vehicle of a recognizer's plate, if it says any (in Plate Recognizer's shape), else {}.

    The recognizer's own results carry none today; a recognizer backed by a Plate Recognizer reader
    passes its result's fields through. Never raises: a malformed description is dropped, the plate kept.
    """
    try:
        return plate_recognizer_vehicle(plate)
    except BadUpload:
        return {}


def vehicle_facts(vehicle: dict | None) -> list[tuple[str, str, float | None]]:
    """(label, name, confidence) for display, in a fixed order; names with their separators spelled out."""
    facts = []
    for attribute in ATTRIBUTES:
        value = (vehicle or {}).get(attribute)
        if isinstance(value, dict) and value.get("name"):
            facts.append((LABELS[attribute], str(value["name"]).replace("_", " "), value.get("confidence")))
    return facts
