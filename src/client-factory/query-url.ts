import { UserClientConfigurationError } from './errors.js';

/**
 * The Query API origin of an instance, from its Bolt connection URL:
 * `neo4j+s://<id>.databases.neo4j.io` -> `https://<id>.databases.neo4j.io`.
 * Encrypted schemes (`neo4j+s`, `neo4j+ssc`, `bolt+s`, `bolt+ssc`) map to
 * HTTPS on the default port (Aura serves the Query API on 443 only; a Bolt
 * port in the URL says nothing about it); plain `neo4j`/`bolt` map to
 * `http://<host>:7474`, a self-hosted server's default; an `http(s)` URL is
 * kept as it is. Anything else throws {@link UserClientConfigurationError}.
 *
 * @example
 * ```ts
 * queryApiOrigin('neo4j+s://1a2b3c4d.databases.neo4j.io'); // 'https://1a2b3c4d.databases.neo4j.io'
 * ```
 */
export function queryApiOrigin(connectionUrl: string): string {
  const match = /^([a-z0-9+]+):\/\/([^/?#]+)/i.exec(connectionUrl.trim());
  if (!match)
    throw new UserClientConfigurationError(
      'The connection URL is not of the form <scheme>://<host>',
    );
  const scheme = (match[1] as string).toLowerCase();
  const hostAndPort = (match[2] as string).replace(/^[^@]*@/, ''); // never carry user info along
  const host = hostAndPort.replace(/:\d+$/, ''); // an IPv6 literal keeps its brackets
  switch (scheme) {
    case 'neo4j+s':
    case 'neo4j+ssc':
    case 'bolt+s':
    case 'bolt+ssc':
      return `https://${host}`;
    case 'neo4j':
    case 'bolt':
      return `http://${host}:7474`;
    case 'https':
    case 'http':
      return `${scheme}://${hostAndPort}`;
    default:
      throw new UserClientConfigurationError(
        `The connection URL scheme "${scheme}" has no Query API equivalent`,
      );
  }
}

/** `POST` here to run a statement: `<origin>/db/<database>/query/v2`. */
export function queryEndpoint(origin: string, database: string): string {
  return `${origin.replace(/\/+$/, '')}/db/${encodeURIComponent(database)}/query/v2`;
}
