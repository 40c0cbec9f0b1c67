// Public API of @conduit-chat/console. Not built yet: see the package README.
export {};
