"""Fixtures shared by every test module."""

import shutil
from pathlib import Path

import card_archive
import feed_archive
import pytest
import site_data
from crawl_server import LoggingServer
from index_data import write_store
from seed_site import write_seed_archive

from crawler.sample_site import sample_site_dir
from index import IndexReader
from index.build import rebuild_index
from webapp.app import create_app

SEEDS_DIR = Path(__file__).resolve().parents[2] / "shared" / "seeds"


def client_of(data_dir: Path):
    """A test client of the site over ``data_dir``."""
    return create_app({"TESTING": True, "DATA_DIR": str(data_dir)}).test_client()


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    """The captured blog pages in ../shared/seeds (read at run time, never copied)."""
    if not SEEDS_DIR.is_dir():
        pytest.fail(f"Seed pages not found at {SEEDS_DIR}: clone the project beside shared/.")
    return SEEDS_DIR


@pytest.fixture(scope="module")
def site_data_dir(tmp_path_factory) -> Path:
    """A data folder with the invented archive of ``site_data.py`` stored and indexed."""
    data_dir = tmp_path_factory.mktemp("site-data")
    site_data.write_archive(data_dir)
    return data_dir


@pytest.fixture(scope="module")
def site_client(site_data_dir):
    """A test client of the site over ``site_data_dir``."""
    return client_of(site_data_dir)


@pytest.fixture(scope="module")
def feed_data_dir(tmp_path_factory) -> Path:
    """A data folder with the invented archive of ``feed_archive.py`` stored and indexed."""
    data_dir = tmp_path_factory.mktemp("feed-data")
    feed_archive.write_archive(data_dir)
    return data_dir


@pytest.fixture(scope="module")
def feed_client(feed_data_dir):
    """A test client of the site over ``feed_data_dir``."""
    return client_of(feed_data_dir)


@pytest.fixture(scope="module")
def card_client(tmp_path_factory):
    """A test client of the site over the invented archive of ``card_archive.py``."""
    data_dir = tmp_path_factory.mktemp("card-data")
    card_archive.write_archive(data_dir)
    return client_of(data_dir)


@pytest.fixture(scope="module")
def seed_data_dir(seeds_dir, tmp_path_factory) -> Path:
    """A data folder holding the records parsed from the seed pages, indexed."""
    data_dir = tmp_path_factory.mktemp("seed-data")
    write_seed_archive(seeds_dir, data_dir)
    return data_dir


@pytest.fixture(scope="module")
def seed_client(seed_data_dir):
    """A test client of the site over ``seed_data_dir``."""
    return client_of(seed_data_dir)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A copy of the bundled sample site served on 127.0.0.1 by a ``LoggingServer`` for one
    test module, whose tests may edit the copy (a module serving another site defines its
    own ``server``)."""
    site = tmp_path_factory.mktemp("site") / "sample-site"
    shutil.copytree(sample_site_dir(), site)
    with LoggingServer(site) as running:
        yield running


@pytest.fixture(scope="module")
def built_index(tmp_path_factory):
    """A data folder with the invented archive of ``index_data`` and its index."""
    data_dir = tmp_path_factory.mktemp("data")
    write_store(data_dir)
    rebuild_index(data_dir)
    return data_dir


@pytest.fixture(scope="module")
def reader(built_index):
    """An IndexReader over ``built_index``."""
    return IndexReader(built_index)
