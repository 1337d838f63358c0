// Running the notebooks: the project-local kernel, parameters from the environment, the nbconvert runner, the reports index.
export * from './kernel';
export * from './params';
export * from './runner';
export * from './reports';
export { BrowserMissingError } from './browser';
export * from './tutorial';
