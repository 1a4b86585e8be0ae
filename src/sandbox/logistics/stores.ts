/**
 * The simulator's fictional stores, in ECPay's map-reply formats (§4): 7-ELEVEN ids of 6 digits,
 * FamilyMart 6 digits with leading zeros, Hi-Life and OK 4 characters; names ≤10 characters;
 * addresses with the city first (the map filters by it); an outlying-island store (CVSOutSide 1) per
 * chain. The first store of each chain carries ECPay's public stage test id (131386, 006598, 2001,
 * 1328), so the same ids work against the simulator and ECPay's stage.
 * B2C and C2C subtypes of a chain share its stores.
 */
import type { CvsChain } from '../../ecpay/types';

export interface SimStore {
  id: string;
  name: string;
  city: string;
  address: string;
  tel: string;
  /** CVSOutSide: true for an outlying-island store. */
  outlying: boolean;
}

type Row = [id: string, name: string, address: string, tel: string];

function stores(rows: Row[]): SimStore[] {
  return rows.map(([id, name, address, tel]) => ({
    id,
    name,
    city: address.slice(0, 3),
    address,
    tel,
    outlying: /^(澎湖縣|金門縣|連江縣)/.test(address),
  }));
}

export const SIM_STORES: Record<CvsChain, SimStore[]> = {
  UNIMART: stores([
    ['131386', '青松門市', '台北市中正區青松路一段12號', '(02)2311-0101'],
    ['241652', '雲河門市', '台北市大安區雲河街88號1樓', '(02)2704-1122'],
    ['182730', '楓橋門市', '新北市板橋區楓橋路二段5號', '(02)2960-3344'],
    ['203915', '星湖門市', '桃園市中壢區星湖路168號', '(03)425-5566'],
    ['172604', '松園門市', '新竹市東區松園街21號', '(03)571-7788'],
    ['226781', '綠川門市', '台中市西區綠川西街66號', '(04)2301-9900'],
    ['195448', '月港門市', '台南市中西區月港路3號', '(06)222-1212'],
    ['210387', '海灣門市', '高雄市前鎮區海灣路250號', '(07)331-3434'],
    ['238912', '白沙門市', '澎湖縣馬公市白沙路18號', '(06)926-5656'],
  ]),
  FAMI: stores([
    ['006598', '全家青田店', '台北市大安區青田街一巷7號', '02-23960011'],
    ['011342', '全家松河店', '台北市信義區松河路120號', '02-27281122'],
    ['015876', '全家玉林店', '新北市中和區玉林路45號', '02-22423344'],
    ['020431', '全家竹圍店', '新北市淡水區竹圍路9號', '02-28095566'],
    ['008817', '全家風禾店', '桃園市桃園區風禾路77號', '03-3367788'],
    ['013259', '全家柳川店', '台中市南區柳川東路三段2號', '04-22609900'],
    ['017604', '全家安平店', '台南市安平區安平港路31號', '06-2981212'],
    ['022948', '全家旗津店', '高雄市旗津區海岸路8號', '07-5713434'],
    ['019375', '全家觀音亭店', '澎湖縣馬公市觀音亭路2號', '06-9275656'],
  ]),
  HILIFE: stores([
    ['2001', '萊爾富青山店', '台北市萬華區青山街15號', '02-23081010'],
    ['F227', '萊爾富雲林店', '台北市士林區雲林路60號', '02-28812020'],
    ['3145', '萊爾富楓林店', '新北市三重區楓林路18號', '02-29883030'],
    ['3378', '萊爾富石門店', '新北市石門區石門路4號', '02-26384040'],
    ['4512', '萊爾富大園店', '桃園市大園區大園路99號', '03-3865050'],
    ['5087', '萊爾富草悟店', '台中市西區草悟街6號', '04-23716060'],
    ['6231', '萊爾富赤崁店', '台南市中西區赤崁街27號', '06-2217070'],
    ['7394', '萊爾富蓮池店', '高雄市左營區蓮池路12號', '07-5868080'],
    ['8650', '萊爾富西嶼店', '澎湖縣西嶼鄉西嶼路3號', '06-9989090'],
  ]),
  OKMART: stores([
    ['1328', 'OK青年店', '台北市萬華區青年路150號', '02-23032525'],
    ['1452', 'OK晴光店', '台北市中山區晴光路30號', '02-25963636'],
    ['1617', 'OK林口店', '新北市林口區林口路11號', '02-26014747'],
    ['1783', 'OK龍潭店', '桃園市龍潭區龍潭路55號', '03-4795858'],
    ['1906', 'OK清水店', '台中市清水區清水路20號', '04-26226969'],
    ['2054', 'OK新營店', '台南市新營區新營路8號', '06-6357171'],
    ['2219', 'OK鳳山店', '高雄市鳳山區鳳山路210號', '07-7468282'],
    ['2386', 'OK竹北店', '新竹縣竹北市竹北路1號', '03-5559393'],
    ['2471', 'OK湖西店', '澎湖縣湖西鄉湖西路6號', '06-9921414'],
  ]),
};

export function findStore(chain: CvsChain, id: string): SimStore | undefined {
  return SIM_STORES[chain].find((s) => s.id === id);
}

/** Cities in a fixed north-to-south order, as the map's filter lists them. */
const CITY_ORDER = ['台北市', '新北市', '桃園市', '新竹市', '新竹縣', '台中市', '台南市', '高雄市', '澎湖縣'];

export function citiesOf(chain: CvsChain): string[] {
  const present = new Set(SIM_STORES[chain].map((s) => s.city));
  return [...CITY_ORDER.filter((c) => present.has(c)), ...[...present].filter((c) => !CITY_ORDER.includes(c))];
}
