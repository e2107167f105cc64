/**
 * Whether a text is a GEOGRAPHY BigQuery would take from insertAll, a load or a parameter: WKT,
 * GeoJSON (a geometry, not a Feature) or WKB as hex. The stand-in keeps the text as given; this only
 * stops a value BigQuery refuses from being stored. Latitudes must lie in [-90, 90]; longitudes
 * outside [-180, 180] are left alone (BigQuery wraps them).
 * @module
 */

const WKT_TYPES = new Set([
  'POINT',
  'LINESTRING',
  'POLYGON',
  'MULTIPOINT',
  'MULTILINESTRING',
  'MULTIPOLYGON',
  'GEOMETRYCOLLECTION',
]);
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** A coordinate (2 to 4 numbers, latitude in range), written `x y [z [m]]` or as a GeoJSON array. */
function isPosition(numbers: readonly unknown[]): boolean {
  if (numbers.length < 2 || numbers.length > 4) return false;
  if (!numbers.every((n) => typeof n === 'number' && Number.isFinite(n))) return false;
  return Math.abs(numbers[1] as number) <= 90;
}

/** WKT, read by recursive descent over its tokens (words, numbers, parentheses, commas). */
function isWkt(text: string): boolean {
  const tokens = text.match(/[A-Za-z]+|[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|[(),]|\S/g) ?? [];
  let i = 0;
  const peek = () => tokens[i];
  const take = (t: string): boolean => {
    if (peek() !== t) return false;
    i++;
    return true;
  };
  const position = (): boolean => {
    const numbers: number[] = [];
    while (peek() !== undefined && NUMBER.test(peek() as string)) numbers.push(Number(tokens[i++]));
    return isPosition(numbers);
  };
  // A list `( item, item, ... )`; MULTIPOINT also takes its points bare or in parentheses.
  const list = (item: () => boolean): boolean => {
    if (!take('(')) return false;
    do if (!item()) return false;
    while (take(','));
    return take(')');
  };
  const points = () => list(position);
  const geometry = (): boolean => {
    const type = peek()?.toUpperCase();
    if (type === undefined || !WKT_TYPES.has(type)) return false;
    i++;
    if (['Z', 'M', 'ZM'].includes(peek()?.toUpperCase() ?? '')) i++;
    if (peek()?.toUpperCase() === 'EMPTY') return take(peek() as string);
    switch (type) {
      case 'POINT':
        return points();
      case 'LINESTRING':
        return points();
      case 'POLYGON':
      case 'MULTILINESTRING':
        return list(points);
      case 'MULTIPOINT':
        return list(() => (peek() === '(' ? points() : position()));
      case 'MULTIPOLYGON':
        return list(() => list(points));
      default:
        return list(geometry);
    }
  };
  return geometry() && i === tokens.length;
}

/** GeoJSON coordinates nested `depth` levels of arrays above the positions. */
function isCoordinates(value: unknown, depth: number): boolean {
  if (!Array.isArray(value)) return false;
  if (depth === 0) return isPosition(value);
  return value.every((v) => isCoordinates(v, depth - 1));
}

const GEOJSON_DEPTH: Record<string, number> = {
  Point: 0,
  MultiPoint: 1,
  LineString: 1,
  MultiLineString: 2,
  Polygon: 2,
  MultiPolygon: 3,
};

function isGeoJsonGeometry(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const { type, coordinates, geometries } = value as Record<string, unknown>;
  if (type === 'GeometryCollection') return Array.isArray(geometries) && geometries.every(isGeoJsonGeometry);
  const depth =
    typeof type === 'string' && Object.hasOwn(GEOJSON_DEPTH, type) ? GEOJSON_DEPTH[type] : undefined;
  return depth !== undefined && isCoordinates(coordinates, depth);
}

/**
 * Whether `value` is a GEOGRAPHY BigQuery accepts as text.
 *
 * @internal
 */
export function isGeographyText(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  const text = value.trim();
  if (text.startsWith('{')) {
    try {
      return isGeoJsonGeometry(JSON.parse(text));
    } catch {
      return false;
    }
  }
  // WKB in hex: a byte order (00 or 01), a 4-byte type and at least one more byte of body or count.
  if (/^[0-9A-Fa-f]+$/.test(text)) return text.length % 2 === 0 && text.length >= 18 && /^0[01]/.test(text);
  return isWkt(text);
}
