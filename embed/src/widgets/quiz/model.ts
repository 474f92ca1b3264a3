// The quiz's public settings, as GET /w/v1/{siteKey}/config (or a session's
// own version, from GET …/sessions/{sid}) gives them, and the answers of the
// quiz API. Owner texts are {"ru","uk","en"} maps (L). No formulas, rules,
// option values or result ranges: results are the server's alone.

/** An owner's text per language. */
export type L = Record<string, string> | undefined;

export interface Option {
  id: string;
  label?: L;
  image?: string;
}

export interface Step {
  id: string;
  type: 'single' | 'multi' | 'image' | 'text' | 'number' | 'date' | 'rating' | string;
  title?: L;
  hint?: L;
  required?: boolean;
  options?: Option[];
  min_choices?: number;
  max_choices?: number;
  max_length?: number;
  placeholder?: L;
  min?: number | string;
  max?: number | string;
  step?: number;
  unit?: L;
  slider?: boolean;
}

export interface Consent {
  required?: boolean;
  text?: Record<string, string>;
  text_ids?: Record<string, string>;
  url?: string;
}

export interface Form {
  title?: L;
  text?: L;
  button?: L;
  position?: string;
  fields?: { name: string; required?: boolean }[];
  consent?: Consent;
}

export interface Quiz {
  color?: string;
  start?: { title?: L; text?: L; bonus?: L; image?: string; button?: L };
  steps?: Step[];
  results?: { id: string; title?: L; image?: string }[];
  form?: Form;
  offer_callback?: boolean;
  partial_leads?: boolean;
  launcher?: { label?: L; position?: string } | null;
}

/** A result as the server computed it. */
export interface Result {
  screen?: string;
  title?: string | L;
  text?: string | L;
  values?: Record<string, unknown>;
}

/** GET …/sessions/{sid}. */
export interface Session {
  session_id: string;
  step?: string;
  path?: string[];
  answers?: Record<string, unknown>;
  progress?: number;
  done?: boolean;
  lead_id?: string;
  result?: Result;
  quiz?: Quiz;
}

/** The answer of PUT …/answers/{step}. */
export interface Answered {
  next: string;
  progress?: number;
  result?: Result;
}
