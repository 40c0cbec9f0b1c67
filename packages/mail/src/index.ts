// Public API of @conduit-chat/mail. Not built yet: see the package README.
export {};
