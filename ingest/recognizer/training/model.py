"""The CNN-only CTC line reader (PyTorch side; only used for training and export).

Input (N, 1, 32, 96); output (N, 37, 1, 24): per time step, unnormalised class scores. Convolutions
only, so OpenCV's dnn module runs the exported graph at any batch size.
"""

from __future__ import annotations

import torch
from torch import nn

from ingest.recognizer.alphabet import NUM_CLASSES


def conv_block(in_channels: int, out_channels: int, kernel: tuple[int, int] = (3, 3)) -> list[nn.Module]:
    padding = (kernel[0] // 2, kernel[1] // 2)
    return [
        nn.Conv2d(in_channels, out_channels, kernel, padding=padding, bias=False),
        nn.BatchNorm2d(out_channels),
        nn.ReLU(inplace=True),
    ]


class PlateReader(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.features = nn.Sequential(
            *conv_block(1, 32),
            nn.MaxPool2d(2),  # 16 x 48
            *conv_block(32, 64),
            nn.MaxPool2d(2),  # 8 x 24
            *conv_block(64, 96),
            *conv_block(96, 96),
            nn.MaxPool2d((2, 1)),  # 4 x 24
            *conv_block(96, 112),
            nn.MaxPool2d((2, 1)),  # 2 x 24
            *conv_block(112, 128),
            nn.Conv2d(128, 128, (2, 3), padding=(0, 1), bias=False),  # 1 x 24
            nn.BatchNorm2d(128),
            nn.ReLU(inplace=True),
        )
        self.classifier = nn.Conv2d(128, NUM_CLASSES, 1)

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        return self.classifier(self.features(images))
