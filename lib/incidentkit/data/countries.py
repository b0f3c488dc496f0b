"""ISO 3166 country codes: names and numeric codes to alpha-3.

The ISO 3166-1 and ISO 3166-3 tables come from ``pycountry`` (which ships Debian's ``iso-codes`` data).
Dataset-specific spellings (GTD ``country_txt``, ACLED ``country``, UCDP ``country``) are in
:data:`DATASET_NAMES` below, written by hand: ISO short names rarely match them.
"""

from __future__ import annotations

from functools import lru_cache

import pycountry


@lru_cache(maxsize=1)
def iso_names() -> dict[str, str]:
    """ISO names (short, common and official) -> alpha-3, including the withdrawn codes of ISO 3166-3."""
    out: dict[str, str] = {c.name: c.alpha_3 for c in pycountry.historic_countries}
    for country in pycountry.countries:
        for attr in ("name", "official_name", "common_name"):
            value = getattr(country, attr, None)
            if value:
                out[value] = country.alpha_3
    return out


@lru_cache(maxsize=1)
def iso_numeric() -> dict[int, str]:
    """ISO 3166-1 numeric code -> alpha-3 (ACLED ``iso``)."""
    return {int(c.numeric): c.alpha_3 for c in pycountry.countries}


#: Code used when a dataset's country cannot be placed in ISO 3166 (GTD "International": attacks at sea or in the
#: air). "XXX" lies in ISO 3166-1's user-assigned range and is the usual "unspecified" code; rows get the flag
#: ``country_unmapped`` so they stay visible.
UNKNOWN_ISO3 = "XXX"

#: Dataset spellings that are not ISO names, written by hand from the datasets' own value lists
#: (GTD country_txt, UCDP country, ACLED country). Historical states map to their ISO 3166-3 codes where one exists
#: (SUN, DDR, YUG, CSK, SCG, YMD, RHO, NHB); a state that continues under another name maps to today's code.
DATASET_NAMES: dict[str, str] = {
    # GTD
    "Bosnia-Herzegovina": "BIH",
    "Brunei": "BRN",
    "Czechoslovakia": "CSK",
    "Democratic Republic of the Congo": "COD",
    "East Germany (GDR)": "DDR",
    "West Germany (FRG)": "DEU",
    "East Timor": "TLS",
    "Falkland Islands": "FLK",
    "Ivory Coast": "CIV",
    "Kosovo": "XKX",
    "Macau": "MAC",
    "Macedonia": "MKD",
    "New Hebrides": "NHB",
    "North Yemen": "YEM",
    "South Yemen": "YMD",
    "People's Republic of the Congo": "COG",
    "Republic of the Congo": "COG",
    "Rhodesia": "RHO",
    "Russia": "RUS",
    "Serbia-Montenegro": "SCG",
    "Slovak Republic": "SVK",
    "South Vietnam": "VNM",
    "Soviet Union": "SUN",
    "St. Kitts and Nevis": "KNA",
    "St. Lucia": "LCA",
    "Swaziland": "SWZ",
    "Turkey": "TUR",
    "United States": "USA",
    "United Kingdom": "GBR",
    "Vatican City": "VAT",
    "West Bank and Gaza Strip": "PSE",
    "Yugoslavia": "YUG",
    "Zaire": "COD",
    "Cape Verde": "CPV",
    "Gambia": "GMB",
    "Iran": "IRN",
    "Syria": "SYR",
    # UCDP (GW names with the former name in brackets)
    "Russia (Soviet Union)": "RUS",
    "Yemen (North Yemen)": "YEM",
    "Serbia (Yugoslavia)": "SRB",
    "DR Congo (Zaire)": "COD",
    "Myanmar (Burma)": "MMR",
    "Cambodia (Kampuchea)": "KHM",
    "Kingdom of eSwatini (Swaziland)": "SWZ",
    "Macedonia, FYR": "MKD",
    "Madagascar (Malagasy)": "MDG",
    "Zimbabwe (Rhodesia)": "ZWE",
    "Vietnam (North Vietnam)": "VNM",
    "United States of America": "USA",
    "Surinam": "SUR",
    # ACLED
    "Democratic Republic of Congo": "COD",
    "Republic of Congo": "COG",
    "Palestine": "PSE",
    "eSwatini": "SWZ",
    "North Macedonia": "MKD",
    "Micronesia": "FSM",
    "Caribbean Netherlands": "BES",
    "Bosnia and Herzegovina": "BIH",
}


def iso3_for_name(name: str | None) -> str | None:
    """Return the ISO alpha-3 code of a dataset's country name, or ``None`` when the name is not known."""
    if not isinstance(name, str):
        return None
    name = name.strip()
    hit = DATASET_NAMES.get(name) or iso_names().get(name)
    if hit is None and name.endswith(")") and " (" in name:
        hit = DATASET_NAMES.get(name.split(" (")[0]) or iso_names().get(name.split(" (")[0])
    return hit
