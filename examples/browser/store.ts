/**
 * The trained model's checkpoint bytes (dagrad's saveCheckpointBytes) kept in IndexedDB, so a reload
 * restores it instead of training again. One object store, one key.
 */
const DB = 'dagrad-browser-example';
const STORE = 'checkpoints';
export const KEY = 'logistic-regression';

function open(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(DB, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(STORE);
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(new Error(`IndexedDB '${DB}': ${req.error?.message ?? 'cannot open'}`));
  });
}

/** Runs one request in its own transaction and resolves when the transaction has committed. */
async function request<T>(mode: IDBTransactionMode, make: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  const db = await open();
  try {
    return await new Promise<T>((resolve, reject) => {
      const tx = db.transaction(STORE, mode);
      const req = make(tx.objectStore(STORE));
      tx.oncomplete = () => resolve(req.result);
      tx.onerror = tx.onabort = () => reject(new Error(`IndexedDB '${DB}': ${tx.error?.message ?? 'transaction failed'}`));
    });
  } finally {
    db.close();
  }
}

export const saveBytes = (bytes: Uint8Array): Promise<unknown> => request('readwrite', (s) => s.put(bytes, KEY));
export const forgetBytes = (): Promise<unknown> => request('readwrite', (s) => s.delete(KEY));
/** The saved bytes, or undefined when nothing is saved. */
export async function loadBytes(): Promise<Uint8Array | undefined> {
  const v = await request('readonly', (s) => s.get(KEY) as IDBRequest<unknown>);
  return v instanceof Uint8Array ? v : undefined;
}
