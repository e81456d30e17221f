"""The Scrapy project settings that ``scrapy.cfg`` names, for ``scrapy list``, ``crawl``, ``check``.

They are a default crawl's settings (``crawl_settings``), so ``scrapy shell`` and ``scrapy
fetch`` are as polite as a crawl; the spider applies its own arguments over them.
"""

from crawler.project import CRAWL_OPTIONS, LIVE_DELAY
from crawler.spider import crawl_settings
from crawler.store import default_data_dir

globals().update(
    crawl_settings(
        data_dir=default_data_dir(),
        timeout=CRAWL_OPTIONS["timeout"].default,
        retries=CRAWL_OPTIONS["retries"].default,
        delay=LIVE_DELAY,
        http_cache=False,
    )
)
LOG_INSTALL_ROOT_HANDLER = True  # the scrapy command logs as Scrapy does
SPIDER_MODULES = ["crawler.project"]
SPIDER_CONTRACTS = {"crawler.contracts.SampleContract": 10}
