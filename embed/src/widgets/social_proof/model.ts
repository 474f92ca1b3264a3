// What the server sends the widget (see live.ts). Names are already
// formatted by the widget's name_display setting: "" means the widget says
// "Someone". Nothing here is ever parsed as HTML.

export interface PublicEvent {
  id: string;
  type: string;
  name: string;
  city: string;
  product: string;
  url: string;
  image: string;
  text: string;
  /** When it really happened, RFC 3339. */
  time: string;
  /** Its place in the site's order of storing: the feed resumes after the largest (absent from older servers). */
  seq?: number;
}

/** Open connections of the site and of this page; null or absent below the widget's threshold. */
export interface Viewers {
  site: number;
  page: number;
}

/** Pages a push names, as a trigger block's pages. */
export interface PushPages {
  include?: string[];
  exclude?: string[];
}

export interface Msg {
  type: string;
  events?: PublicEvent[];
  event?: PublicEvent;
  id?: string;
  viewers?: Viewers | null;
  /** The server's clock, when it says: notices' ages are measured on it. */
  now?: string;
  /** A show (the owner's push): its id, the widget to open, the pages it is for. */
  push_id?: string;
  widget?: string;
  pages?: PushPages;
  /** A poll answer's pushes of the last minute (each a show). */
  show?: Msg[];
  /** A push-only connection (only=push) of a site where no widget accepts pushes. */
  no_pushes?: boolean;
}
