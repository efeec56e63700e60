"""SUV 41 % and SUV 2.5 baselines on constructed PET volumes and on real-sts-002."""
import numpy as np
import pytest

from delineo_models.data.nifti_io import read_nifti
from delineo_models.data.paths import shared_data
from delineo_models.eval import dice, hottest_voxel, suv25, suv41


def two_lesions():
    pet = np.full((10, 20, 20), 0.8, np.float32)
    pet[4:7, 3:8, 3:8] = 4.0      # lesion A (75 voxels) with SUVmax 9 → 41 % = 3.69
    pet[5, 5, 5] = 9.0
    pet[7, 8, 8] = 4.0            # touches A only by a corner: in with 26-, out with 6-neighbourhood
    pet[4:7, 12:16, 12:16] = 3.0  # lesion B (48 voxels), separate, below 41 % but above 2.5
    return pet


def test_suv41_grows_the_26_connected_region_of_the_hottest_voxel():
    pet = two_lesions()
    assert hottest_voxel(pet) == (5, 5, 5)
    m = suv41(pet)
    assert m.sum() == 75 + 1 and m[7, 8, 8] and not m[5, 13, 13]


def test_suv25_component_or_all():
    pet = two_lesions()
    assert suv25(pet).sum() == 76
    assert suv25(pet, component="all").sum() == 76 + 48
    assert not suv25(np.full((3, 3, 3), 1.0)).any(), "hottest voxel below 2.5 → empty"
    with pytest.raises(ValueError, match="component"):
        suv25(pet, component="largest")


def test_search_mask_moves_the_seed():
    pet = two_lesions()
    search = np.zeros(pet.shape, bool)
    search[:, 10:, 10:] = True
    assert hottest_voxel(pet, search)[1] >= 12
    assert suv41(pet, search).sum() == 48
    with pytest.raises(ValueError, match="search mask is empty"):
        hottest_voxel(pet, np.zeros(pet.shape, bool))


def test_real_sts_002_baselines_on_native_pet_grid():
    pet = read_nifti(shared_data("real-sts-002/PET/nifti/image/image.nii.gz"))
    gtv = read_nifti(shared_data("real-sts-002/PET/nifti/mask/mask.nii.gz")).data > 0
    seed = hottest_voxel(pet.data)
    assert gtv[seed] and pet.data[seed] == pytest.approx(21.676, abs=1e-3)  # SUVmax lies in the expert GTV
    # Regression values (computed by this code, recorded in reports/real.md).
    assert dice(suv41(pet.data), gtv) == pytest.approx(0.4897, abs=0.002)
    assert dice(suv25(pet.data), gtv) == pytest.approx(0.6023, abs=0.002)
