// The app's two "pages": a hash router is enough to show `chat.setPage()` in a single-page app.

/** A view of the app. */
export interface Route {
  path: string;
  title: string;
  body: string;
}

/** Every view, by hash path. */
export const ROUTES: Route[] = [
  {
    path: '#/notes',
    title: 'Notes — Acme Notes',
    body: 'Your notes live here. Stuck? The Support button in the header opens a chat.',
  },
  {
    path: '#/billing',
    title: 'Billing — Acme Notes',
    body: 'Team plan, 5 seats, renews on the 1st. Questions about an invoice? Ask Support.',
  },
];

/** The route for a `location.hash` (the first one when unknown). */
export function routeFor(hash: string): Route {
  return ROUTES.find((r) => r.path === hash) ?? ROUTES[0]!;
}
