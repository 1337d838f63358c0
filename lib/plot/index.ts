// Figures (plain plotly objects) and notebook display (plotly embedded once, inline audio, tables).
export * from './figures';
export * from './display';
export * from './sweep';
