export {};
//# sourceMappingURL=pending-paths.js.map