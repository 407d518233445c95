/** Where each kind of object lives inside a repository (DESIGN.md §Vault engine, Layout). */
export const objectNames = {
  config: "config",
  key: "keys/master",
  pack: (name: string) => `packs/${name.slice(0, 2)}/${name}`,
  index: (name: string) => `index/${name}`,
  snapshot: (name: string) => `snapshots/${name}`,
};
