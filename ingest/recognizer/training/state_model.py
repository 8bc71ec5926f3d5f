"""The state classifier (PyTorch side; only used for training and export).

Input (N, 3, 48, 96); output (N, 52, 1, 1) class scores: the 51 states, then NO_PLATE. Convolutions
only (the last one spans the whole 3 × 6 feature map, so the layout of the design counts, not just
its colours), which OpenCV's dnn module runs at any batch size.
"""

from __future__ import annotations

import torch
from torch import nn

from ingest.recognizer.state import NO_PLATE
from ingest.recognizer.training.model import conv_block


class StateNet(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.features = nn.Sequential(
            *conv_block(3, 16),
            nn.MaxPool2d(2),  # 24 x 48
            *conv_block(16, 32),
            nn.MaxPool2d(2),  # 12 x 24
            *conv_block(32, 48),
            *conv_block(48, 48),
            nn.MaxPool2d(2),  # 6 x 12
            *conv_block(48, 96),
            nn.MaxPool2d(2),  # 3 x 6
            nn.Conv2d(96, 160, (3, 6), bias=False),  # 1 x 1
            nn.BatchNorm2d(160),
            nn.ReLU(inplace=True),
            nn.Dropout(0.3),
        )
        self.classifier = nn.Conv2d(160, NO_PLATE + 1, 1)

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        return self.classifier(self.features(images))
