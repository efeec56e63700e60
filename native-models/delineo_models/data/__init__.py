"""Data for Delineo's networks: synthetic phantoms, real-data importers, normalisation, patches.

Public API (agreed with the training code; keep these signatures)::

    make_phantom_dataset(out_dir, n_cases, modalities=("CT","PT")|("CT","MR"), labelled_fraction, seed,
                         size=(64, 96, 96)) -> Path of dataset.json
        writes out_dir/<case>/{CT,PT|MR,label}.nii.gz + dataset.json
        dataset.json: {"modalities": [...], "spacing": [z, y, x],
                       "cases": [{"id", "labelled": bool, "split": "train"|"val"|"test", "source"}]}
    CaseDataset(root, modalities, split, normalization)
        item -> {"id", "image": float32 (C,D,H,W), "label": uint8 (1,D,H,W) or None, "spacing": (z,y,x), ...}
    sample_patches(case_item, patch_size, n, fg_fraction, rng, augment=None)
        -> (images (n,C,D,H,W), labels (n,1,D,H,W) or None)
    normalize(volume, spec) -> float32, spec = a model-card ChannelNormalization dict
    AugmentConfig / augment_patch: augmentation toward real appearance (used by sample_patches)

Real data (see ``importers``): ``import_brats_style``, ``import_hecktor_style``,
``import_brats2013``, ``import_real_sts`` turn NIfTI folders into the same dataset.json layout.
Arrays are (z, y, x) everywhere; NIfTI files hold (x, y, z) and ``nifti_io`` transposes.
"""
from .augment import AugmentConfig, augment_patch
from .dataset import CaseDataset, load_dataset_json
from .normalize import normalize
from .patches import sample_patches
from .phantom import generate_case, make_phantom_dataset

__all__ = ["make_phantom_dataset", "generate_case", "CaseDataset", "load_dataset_json", "sample_patches",
           "normalize", "AugmentConfig", "augment_patch"]
