import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';

/** The store's change counter and whether the live feed is connected. */
export interface Live { version: number; connected: boolean }

const LiveContext = createContext<Live>({ version: 0, connected: false });

/** Listens to /api/events once for the whole page: each `change` bumps the version every data hook depends on. */
export function LiveProvider({ children }: { children: ReactNode }): ReactNode {
  const [live, setLive] = useState<Live>({ version: 0, connected: false });
  useEffect(() => {
    const events = new EventSource('/api/events');
    events.addEventListener('hello', () => setLive((l) => ({ ...l, connected: true })));
    events.addEventListener('change', () => setLive((l) => ({ version: l.version + 1, connected: true })));
    // The browser reconnects by itself (the server's retry: 2000); until then, say so.
    events.onerror = () => setLive((l) => ({ ...l, connected: false }));
    return () => events.close();
  }, []);
  return <LiveContext.Provider value={live}>{children}</LiveContext.Provider>;
}

/** The live state: the version changes whenever a run writes to the store. */
export function useLive(): Live {
  return useContext(LiveContext);
}
