// Public API of @conduit-chat/relay. Not built yet: see the package README.
export {};
