// Public API of @conduit-chat/widget. Not built yet: see the package README.
export {};
