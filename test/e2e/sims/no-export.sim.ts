// A simulation file that forgot to export its simulation.
export const name = 'nothing here';
