// Vite turns these imports into bundled files.
declare module '*.css';
