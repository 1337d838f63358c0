// The web export, the public face: a static page that classifies audio in the browser with a saved model, and a server for it.
export { exportWebSite } from './export';
export type { WebExport } from './export';
export { serveSite } from './serve';
export type { SiteServer } from './serve';
