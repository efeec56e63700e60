/** vtk.js modules that ship without type declarations, typed as far as this app uses them. */
declare module '@kitware/vtk.js/Filters/General/ImageMarchingCubes' {
  interface vtkImageMarchingCubes {
    setInputData(data: unknown): void;
    getOutputData(): import('@kitware/vtk.js/Common/DataModel/PolyData').vtkPolyData;
    delete(): void;
  }
  const vtkImageMarchingCubes: {
    newInstance(initial?: { contourValue?: number; computeNormals?: boolean; mergePoints?: boolean }): vtkImageMarchingCubes;
  };
  export default vtkImageMarchingCubes;
}
